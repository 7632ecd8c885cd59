//! Presigned S3 requests (AWS Signature Version 4, query-string form), signed by rusty-s3:
//! every call to the bucket is a URL that carries its own signature and expiry, sent by our
//! HTTP client or, for a picture or clip a reader asked for, handed to the browser as a
//! redirect. Path-style addresses (`{endpoint}/{bucket}/{key}`), which AWS and every
//! S3-compatible server take; the payload is not signed, as presigned uploads never are.

use std::time::Duration;

use rusty_s3::actions::ListObjectsV2;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use crate::server::config::BucketSettings;

/// One call to the bucket, by the key it is about (the store's prefix not yet added).
pub enum Call<'a> {
    Put(&'a str),
    Get(&'a str),
    Head(&'a str),
    Delete(&'a str),
    /// A page of the keys under a prefix (ListObjectsV2), after `token`'s page if given.
    List {
        prefix: &'a str,
        token: Option<&'a str>,
    },
}

/// A bucket's place and credentials, as the app's calls and the readers' links reach it.
#[derive(Clone)]
pub struct Signer {
    /// The bucket at its endpoint: the app's own calls.
    bucket: Bucket,
    /// The bucket at the address browsers reach (a CDN, or the endpoint's public name).
    public: Bucket,
    credentials: Credentials,
    prefix: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, in a log or a panic.
        f.debug_struct("Signer")
            .field("bucket", &self.bucket.name())
            .field("region", &self.bucket.region())
            .field("access_key", &self.credentials.key())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Fails only for an address that is not a URL with a host, which the configuration
    /// already refuses at start.
    pub fn new(settings: &BucketSettings) -> Result<Signer, String> {
        let bucket_at = |origin: &str| {
            let url = origin
                .parse()
                .map_err(|e| format!("the bucket's address {origin:?}: {e}"))?;
            Bucket::new(
                url,
                UrlStyle::Path,
                settings.bucket.clone(),
                settings.region.clone(),
            )
            .map_err(|e| format!("the bucket's address {origin:?}: {e}"))
        };
        Ok(Signer {
            bucket: bucket_at(&settings.endpoint)?,
            public: bucket_at(&settings.public_url)?,
            credentials: Credentials::new(&settings.access_key, &settings.secret_key),
            prefix: settings.prefix.clone(),
        })
    }

    /// The URL of `call`, signed at `at` and good for `expires` from then.
    pub fn sign(&self, call: Call<'_>, expires: Duration, at: time::OffsetDateTime) -> String {
        let credentials = Some(&self.credentials);
        let url = match call {
            Call::Put(key) => self
                .bucket
                .put_object(credentials, &self.object(key))
                .sign_with_time(expires, &at),
            Call::Get(key) => self
                .bucket
                .get_object(credentials, &self.object(key))
                .sign_with_time(expires, &at),
            Call::Head(key) => self
                .bucket
                .head_object(credentials, &self.object(key))
                .sign_with_time(expires, &at),
            Call::Delete(key) => self
                .bucket
                .delete_object(credentials, &self.object(key))
                .sign_with_time(expires, &at),
            Call::List { prefix, token } => {
                let mut list = self.bucket.list_objects_v2(credentials);
                list.with_prefix(self.object(prefix));
                if let Some(token) = token {
                    list.with_continuation_token(token);
                }
                list.sign_with_time(expires, &at)
            }
        };
        url.into()
    }

    /// A reader's link to the object of `key` at the public address, signed at `at`.
    pub fn public_link(&self, key: &str, expires: Duration, at: time::OffsetDateTime) -> String {
        self.public
            .get_object(Some(&self.credentials), &self.object(key))
            .sign_with_time(expires, &at)
            .into()
    }

    /// The keys (the prefix taken off) of a page of a listing, and the token of the next page
    /// when there is one.
    pub fn listed(&self, body: &str) -> Result<(Vec<String>, Option<String>), String> {
        let page = ListObjectsV2::parse_response(body).map_err(|e| e.to_string())?;
        let keys = page
            .contents
            .into_iter()
            .filter_map(|object| object.key.strip_prefix(&self.prefix).map(str::to_owned))
            .collect();
        Ok((keys, page.next_continuation_token))
    }

    fn object(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: &str) -> BucketSettings {
        BucketSettings {
            endpoint: endpoint.into(),
            public_url: endpoint.into(),
            bucket: "examplebucket".into(),
            region: "us-east-1".into(),
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            prefix: String::new(),
        }
    }

    /// AWS's own example ("Authenticating Requests: Using Query Parameters", Signature
    /// Version 4): GET /test.txt from examplebucket, 2013-05-24, good for a day. The example
    /// is virtual-hosted; path-style here, so the path (and the signature) carry the bucket.
    #[test]
    fn signs_with_the_documented_credential_scope_and_expiry() {
        let signer = Signer::new(&settings("https://s3.amazonaws.com")).expect("signer");
        let url = signer.sign(
            Call::Get("test.txt"),
            Duration::from_secs(86_400),
            time::macros::datetime!(2013-05-24 00:00:00 UTC),
        );
        assert!(
            url.starts_with("https://s3.amazonaws.com/examplebucket/test.txt?"),
            "{url}"
        );
        for part in [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request",
            "X-Amz-Date=20130524T000000Z",
            "X-Amz-Expires=86400",
            "X-Amz-SignedHeaders=host",
            "X-Amz-Signature=",
        ] {
            assert!(url.contains(part), "{part} in {url}");
        }
        assert!(!url.contains("EXAMPLEKEY"), "no secret in a URL");
        assert!(
            !format!("{signer:?}").contains("EXAMPLEKEY"),
            "no secret in Debug"
        );
    }

    #[test]
    fn keys_carry_the_prefix_and_are_encoded() {
        let mut s = settings("http://127.0.0.1:8333");
        s.prefix = "family/".into();
        let signer = Signer::new(&s).expect("signer");
        let at = time::macros::datetime!(2026-12-07 00:00:00 UTC);
        let url = signer.sign(Call::Put("media/kids/a b.png"), Duration::from_secs(60), at);
        assert!(
            url.starts_with("http://127.0.0.1:8333/examplebucket/family/media/kids/a%20b.png?"),
            "{url}"
        );
        let list = signer.sign(
            Call::List {
                prefix: "media/",
                token: Some("t/1"),
            },
            Duration::from_secs(60),
            at,
        );
        assert!(list.contains("list-type=2"), "{list}");
        assert!(list.contains("prefix=family%2Fmedia%2F"), "{list}");
        assert!(list.contains("continuation-token=t%2F1"), "{list}");
    }

    #[test]
    fn listing_pages_are_read_with_their_entities() {
        let mut s = settings("http://127.0.0.1:8333");
        s.prefix = "family/".into();
        let signer = Signer::new(&s).expect("signer");
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
                   <ListBucketResult><Name>examplebucket</Name><Prefix>family/</Prefix>\
                   <KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>\
                   <Contents><Key>family/media/kids/a/b.png</Key><LastModified>2026-12-07T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>\
                   <Contents><Key>family/media/kids/a/c&amp;d.png</Key><LastModified>2026-12-07T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>\
                   <NextContinuationToken>t1</NextContinuationToken></ListBucketResult>";
        let (keys, next) = signer.listed(xml).expect("a listing");
        assert_eq!(keys, ["media/kids/a/b.png", "media/kids/a/c&d.png"]);
        assert_eq!(next.as_deref(), Some("t1"));
    }
}
