//! Command-line flags, shared by the `langdock-emulator` binary and any CLI that embeds the emulator with
//! `#[command(flatten)]`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::config::{ApiKey, Config};

/// Flags of the emulator.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on (an IP address or `localhost`).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free port (printed on start).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Accepted API key, `KEY` (every scope) or `KEY:SCOPE,SCOPE` (INTEGRATION_API, ASSISTANT_API).
    /// Repeatable; when given, replaces the default key `sk-ld-emulator-local`.
    #[arg(long = "key", value_name = "KEY[:SCOPE,SCOPE]")]
    pub keys: Vec<ApiKey>,
    /// Requests per minute and key; over it the emulator answers 429 with Retry-After. Off by default.
    #[arg(long = "rate-limit", value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Keep the state in this JSON file: loaded at start, rewritten after every change.
    #[arg(long = "state", value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Start without the two Langdock-built integrations.
    #[arg(long = "no-seed")]
    pub no_seed: bool,
    /// Serve HTTPS with a certificate authority generated at start (and a certificate for 127.0.0.1,
    /// localhost and ::1 signed by it). Clients must trust that CA: see --ca-out.
    #[arg(long)]
    pub tls: bool,
    /// Write the CA certificate (PEM) of the HTTPS mode to this file before the start line is printed, for
    /// clients to trust (LANGDOCK_CA_BUNDLE). Implies --tls.
    #[arg(long = "ca-out", value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
    /// Log level or filter for stderr (error, warn, info, debug, trace, or a tracing filter).
    #[arg(long = "log", value_name = "LEVEL", default_value = "warn")]
    pub log: String,
}

impl EmulatorArgs {
    /// The configuration and the address to bind.
    pub fn into_config(self) -> Result<(Config, SocketAddr), String> {
        let ip = if self.host.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.host
                .parse::<IpAddr>()
                .map_err(|_| format!("--host {:?}: expected an IP address or localhost", self.host))?
        };
        let mut config = Config {
            rate_limit_per_minute: self.rate_limit,
            state_file: self.state,
            seed: !self.no_seed,
            tls: self.tls || self.ca_out.is_some(),
            ca_out: self.ca_out,
            ..Config::default()
        };
        if !self.keys.is_empty() {
            config.keys = self.keys;
        }
        Ok((config, SocketAddr::new(ip, self.port)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    #[test]
    fn flags_become_a_config() {
        let cli = Cli::parse_from([
            "x",
            "--port",
            "8080",
            "--key",
            "a:ASSISTANT_API",
            "--key",
            "b",
            "--rate-limit",
            "60",
            "--no-seed",
            "--state",
            "s.json",
        ]);
        let (config, addr) = cli.args.into_config().unwrap();
        assert_eq!(addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.keys.len(), 2);
        assert_eq!(config.keys[1], ApiKey::full("b"));
        assert_eq!(config.rate_limit_per_minute, Some(60));
        assert!(!config.seed);
        assert_eq!(config.state_file, Some(PathBuf::from("s.json")));
        assert!(!config.tls);
    }

    #[test]
    fn ca_out_implies_tls() {
        let (config, _) = Cli::parse_from(["x", "--ca-out", "ca.pem"]).args.into_config().unwrap();
        assert!(config.tls);
        assert_eq!(config.ca_out, Some(PathBuf::from("ca.pem")));
        let (config, _) = Cli::parse_from(["x", "--tls"]).args.into_config().unwrap();
        assert!(config.tls && config.ca_out.is_none());
    }

    #[test]
    fn defaults_keep_the_default_key_and_a_bad_host_is_an_error() {
        let (config, addr) = Cli::parse_from(["x"]).args.into_config().unwrap();
        assert_eq!(config.keys, vec![ApiKey::full(crate::DEFAULT_API_KEY)]);
        assert_eq!(addr.port(), 0);
        assert!(Cli::parse_from(["x", "--host", "nowhere"]).args.into_config().is_err());
        assert!(Cli::try_parse_from(["x", "--key", "k:ROOT"]).is_err());
    }
}
