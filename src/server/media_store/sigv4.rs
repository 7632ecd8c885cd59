//! Presigned S3 requests (AWS Signature Version 4, query-string form): every call to the
//! bucket is a URL that carries its own signature and expiry, sent by our HTTP client or, for
//! a picture or clip a reader asked for, handed to the browser as a redirect. Path-style
//! addresses (`{endpoint}/{bucket}/{key}`), which AWS and every S3-compatible server take.
//! The payload is not signed (`UNSIGNED-PAYLOAD`, as presigned uploads are).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A bucket's credentials and place.
#[derive(Clone)]
pub struct Signer {
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, in a log or a panic.
        f.debug_struct("Signer")
            .field("access_key", &self.access_key)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// One request to presign.
pub struct Presign<'a> {
    pub method: &'a str,
    /// `http://127.0.0.1:8333` or `https://s3.eu-west-1.amazonaws.com`, no trailing slash.
    pub endpoint: &'a str,
    /// The path after the endpoint, unencoded: `/{bucket}/{key}`.
    pub path: &'a str,
    /// Query parameters of the action itself (`list-type=2`, `prefix=…`), unencoded.
    pub query: &'a [(&'a str, &'a str)],
    pub expires_s: u64,
    pub at: time::OffsetDateTime,
}

impl Signer {
    /// The URL of `request`, signed: good for `expires_s` seconds from `at`.
    pub fn presign(&self, request: &Presign<'_>) -> String {
        let at = request.at.to_offset(time::UtcOffset::UTC);
        let date = format!("{:04}{:02}{:02}", at.year(), u8::from(at.month()), at.day());
        let stamp = format!(
            "{date}T{:02}{:02}{:02}Z",
            at.hour(),
            at.minute(),
            at.second()
        );
        let scope = format!("{date}/{}/s3/aws4_request", self.region);
        let host = request
            .endpoint
            .split_once("://")
            .map_or(request.endpoint, |(_, rest)| rest);
        let credential = format!("{}/{scope}", self.access_key);
        let expires = request.expires_s.to_string();
        let mut query: Vec<(String, String)> = request
            .query
            .iter()
            .map(|(k, v)| (encode(k, true), encode(v, true)))
            .collect();
        for (k, v) in [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", credential.as_str()),
            ("X-Amz-Date", stamp.as_str()),
            ("X-Amz-Expires", expires.as_str()),
            ("X-Amz-SignedHeaders", "host"),
        ] {
            query.push((encode(k, true), encode(v, true)));
        }
        query.sort();
        let query = query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let path = encode(request.path, false);
        let canonical = format!(
            "{}\n{path}\n{query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD",
            request.method
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut key = mac(format!("AWS4{}", self.secret_key).as_bytes(), &date);
        for part in [self.region.as_str(), "s3", "aws4_request"] {
            key = mac(&key, part);
        }
        let signature = hex(&mac(&key, &to_sign));
        format!(
            "{}{path}?{query}&X-Amz-Signature={signature}",
            request.endpoint
        )
    }
}

fn mac(key: &[u8], message: &str) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// S3's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`; `/` too, except in a
/// path.
fn encode(text: &str, slash_too: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b'/' if !slash_too => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of AWS's own documentation ("Authenticating Requests: Using Query
    /// Parameters", Signature Version 4), signature and all.
    #[test]
    fn signs_as_aws_documents_it() {
        let signer = Signer {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            region: "us-east-1".into(),
        };
        let url = signer.presign(&Presign {
            method: "GET",
            endpoint: "https://examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            query: &[],
            expires_s: 86_400,
            at: time::macros::datetime!(2013-05-24 00:00:00 UTC),
        });
        assert_eq!(
            url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert!(
            !format!("{signer:?}").contains("EXAMPLEKEY"),
            "no secret in Debug"
        );
    }

    #[test]
    fn query_values_and_paths_are_encoded_the_s3_way() {
        assert_eq!(encode("media/kids/a b.png", false), "media/kids/a%20b.png");
        assert_eq!(encode("media/kids/", true), "media%2Fkids%2F");
        assert_eq!(encode("~a-b_c.d", true), "~a-b_c.d");
    }
}
