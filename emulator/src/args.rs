//! Command-line flags, shared by the `langdock-emulator` binary and any CLI that embeds the emulator with
//! `#[command(flatten)]`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::config::{ApiKey, Config};
use crate::faults::{Chaos, Fault};

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
    /// Requests per minute and key; over it the emulator answers 429 with Retry-After. Off by default;
    /// `--rate-limit` without a number means the service's documented 500 per minute.
    #[arg(long = "rate-limit", value_name = "N", num_args = 0..=1, default_missing_value = "500")]
    pub rate_limit: Option<u32>,
    /// Queue a fault at start, as JSON like `POST /_emulator/faults` takes, e.g.
    /// '{"operation": "create_action", "status": 503}'. Repeatable; faults apply in the given order.
    #[arg(long = "fault", value_name = "JSON")]
    pub faults: Vec<Fault>,
    /// Random faults on this share (0 to 1) of API requests from the start, like `POST /_emulator/chaos`;
    /// also takes that JSON, e.g. '{"rate": 0.3, "seed": 7}'.
    #[arg(long = "chaos", value_name = "RATE|JSON")]
    pub chaos: Option<Chaos>,
    /// Keep the state in this JSON file (integrations, uploaded icons, keys added at run time): loaded at
    /// start, rewritten atomically and durably after every change, before the change is answered.
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
            faults: self.faults,
            chaos: self.chaos,
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
    use crate::DEFAULT_RATE_LIMIT_PER_MINUTE;
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
    fn rate_limit_without_a_number_is_the_documented_limit() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|cli| cli.args.into_config().unwrap().0);
        assert_eq!(parse(&["x", "--rate-limit"]).unwrap().rate_limit_per_minute, Some(DEFAULT_RATE_LIMIT_PER_MINUTE));
        assert_eq!(parse(&["x", "--rate-limit", "--no-seed"]).unwrap().rate_limit_per_minute, Some(500));
        assert_eq!(parse(&["x", "--rate-limit", "12"]).unwrap().rate_limit_per_minute, Some(12));
        assert_eq!(parse(&["x"]).unwrap().rate_limit_per_minute, None);
        assert!(parse(&["x", "--rate-limit", "many"]).is_err());
    }

    #[test]
    fn fault_and_chaos_flags_take_the_control_api_json() {
        let cli = Cli::parse_from([
            "x",
            "--fault",
            r#"{"operation": "create_action", "status": 503}"#,
            "--fault",
            r#"{"operation": "*", "drop": "before_body"}"#,
            "--chaos",
            "0.25",
        ]);
        let (config, _) = cli.args.into_config().unwrap();
        assert_eq!(
            config.faults,
            vec![
                Fault::new(crate::Operation::CreateAction).status(503),
                Fault::any().drop_connection(crate::DropPoint::BeforeBody),
            ]
        );
        assert_eq!(config.chaos, Some(Chaos::with_rate(0.25)));
        let json = Cli::parse_from(["x", "--chaos", r#"{"rate": 1, "seed": 3, "statuses": [503]}"#]);
        let chaos = json.args.chaos.unwrap();
        assert_eq!((chaos.rate, chaos.seed, chaos.statuses), (1.0, 3, Some(vec![503])));
    }

    #[test]
    fn bad_fault_and_chaos_values_are_refused_with_the_reason() {
        let err = |args: &[&str]| Cli::try_parse_from(args).err().expect("refused").to_string();
        assert!(err(&["x", "--fault", "{"]).contains("not JSON"));
        assert!(err(&["x", "--fault", r#"{"operation": "nope"}"#]).contains("nope"));
        assert!(err(&["x", "--fault", r#"{"operation": "*", "status": 42}"#]).contains("not an HTTP status"));
        assert!(err(&["x", "--chaos", "1.5"]).contains("between 0 and 1"));
        assert!(err(&["x", "--chaos", "often"]).contains("not a rate"));
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
