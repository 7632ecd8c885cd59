//! The provider simulator as a standalone server, for load and fault experiments and for
//! running the app against "real" HTTP providers: `provider-sim --port 4010`.

use std::net::SocketAddr;
use std::time::Duration;

use provider_sim::{self as sim, Provider, SimConfig};

fn usage() -> ! {
    eprintln!("usage: provider-sim [--port 4010] [--latency-ms 0] [--api-key KEY]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let mut port = 4010u16;
    let mut config = SimConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--port" => port = value.parse().unwrap_or_else(|_| usage()),
            "--latency-ms" => {
                config.latency = Duration::from_millis(value.parse().unwrap_or_else(|_| usage()))
            }
            "--api-key" => config.api_key = Some(value),
            _ => usage(),
        }
    }
    let running = sim::spawn_on(SocketAddr::from(([127, 0, 0, 1], port)), config).await?;
    for p in Provider::ALL {
        println!("{:<10} {}{}", p.key(), running.base_url(), p.path());
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
