//! The cryptography behind `ld.signWithRS256` and `ld.awsRequest` (AWS Signature Version 4), on aws-lc-rs: the
//! provider rustls already builds, so the sandbox adds no second crypto stack.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::{digest, hmac, rand::SystemRandom, signature};
use base64::Engine as _;
use url::Url;

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data).as_ref().to_vec()
}

/// RSASSA-PKCS1-v1_5 with SHA-256 over `input`, keyed by a PEM private key (PKCS#8 `PRIVATE KEY` or PKCS#1
/// `RSA PRIVATE KEY`; `\n` written as two characters, as keys stored in one-line secrets are, is accepted), the
/// signature encoded as `base64` (standard, padded), `base64url` (unpadded, for JWTs) or `hex`.
pub fn sign_rs256(input: &str, private_key_pem: &str, encoding: &str) -> Result<String, String> {
    let pem = private_key_pem.replace("\\n", "\n");
    let (label, der) = pem_decode(&pem)?;
    let key = match label.as_str() {
        "PRIVATE KEY" => signature::RsaKeyPair::from_pkcs8(&der),
        "RSA PRIVATE KEY" => signature::RsaKeyPair::from_der(&der),
        other => {
            return Err(format!(
                "ld.signWithRS256: expected a PEM RSA private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY), found BEGIN {other}"
            ));
        }
    }
    .map_err(|e| format!("ld.signWithRS256: the private key is not a usable RSA key: {e}"))?;
    let mut out = vec![0; key.public_modulus_len()];
    key.sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut out)
        .map_err(|_| "ld.signWithRS256: signing failed".to_owned())?;
    match encoding {
        "base64" => Ok(base64::engine::general_purpose::STANDARD.encode(&out)),
        "base64url" => Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&out)),
        "hex" => Ok(hex(&out)),
        other => Err(format!("ld.signWithRS256: unknown encoding {other:?} (use 'base64', 'base64url' or 'hex')")),
    }
}

/// The label and DER bytes of the first PEM block in `pem`.
fn pem_decode(pem: &str) -> Result<(String, Vec<u8>), String> {
    let begin = pem.find("-----BEGIN ").ok_or("ld.signWithRS256: the private key is not PEM (no -----BEGIN line)")?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let label_end = rest.find("-----").ok_or("ld.signWithRS256: malformed PEM header")?;
    let label = rest[..label_end].to_owned();
    let body = &rest[label_end + 5..];
    let end = body.find("-----END").ok_or("ld.signWithRS256: the PEM has no -----END line")?;
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("ld.signWithRS256: the PEM body is not base64: {e}"))?;
    Ok((label, der))
}

/// AWS credentials and scope for one SigV4-signed request.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsScope {
    /// e.g. `us-east-1`.
    pub region: String,
    /// e.g. `s3`.
    pub service: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// A temporary credential's session token.
    #[serde(default)]
    pub session_token: Option<String>,
}

/// Signs a request with AWS Signature Version 4: adds `x-amz-date` (unless the code set one, which is then
/// signed as given), `x-amz-security-token` for session credentials, `x-amz-content-sha256` for S3, and
/// `Authorization`. Every header in `headers` is signed, plus `host` (the code's `Host` header, else the URL's).
pub fn sigv4_sign(
    method: &str,
    url: &Url,
    headers: &mut Vec<(String, String)>,
    body: &[u8],
    scope: &AwsScope,
    now: SystemTime,
) {
    let find = |headers: &[(String, String)], name: &str| {
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    };
    let amz_date = match find(headers, "x-amz-date") {
        Some(date) => date,
        None => {
            let date = amz_date(now);
            headers.push(("X-Amz-Date".to_owned(), date.clone()));
            date
        }
    };
    if let Some(token) = &scope.session_token
        && find(headers, "x-amz-security-token").is_none()
    {
        headers.push(("X-Amz-Security-Token".to_owned(), token.clone()));
    }
    let payload_hash = hex(&sha256(body));
    if scope.service == "s3" && find(headers, "x-amz-content-sha256").is_none() {
        headers.push(("X-Amz-Content-Sha256".to_owned(), payload_hash.clone()));
    }
    let host = find(headers, "host").unwrap_or_else(|| {
        let host = url.host_str().unwrap_or_default().to_owned();
        match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    });

    // Canonical headers: lower-case names, sorted, values trimmed with inner runs of spaces collapsed.
    let mut canonical: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("host") && !n.eq_ignore_ascii_case("authorization"))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    canonical.push(("host".to_owned(), host));
    canonical.sort();
    let mut merged: Vec<(String, String)> = Vec::new();
    for (name, value) in canonical {
        match merged.last_mut() {
            Some((last, values)) if *last == name => {
                values.push(',');
                values.push_str(&value);
            }
            _ => merged.push((name, value)),
        }
    }
    let signed_headers = merged.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(";");
    let canonical_headers: String = merged.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();

    let path = if url.path().is_empty() { "/" } else { url.path() };
    // S3 signs the path as sent; every other service signs it URI-encoded once more.
    let canonical_uri = if scope.service == "s3" { path.to_owned() } else { path.replace('%', "%25") };
    let mut query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (aws_encode(&k), aws_encode(&v))).collect();
    query.sort();
    let canonical_query = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");

    let canonical_request = format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        method.to_ascii_uppercase()
    );
    let date = &amz_date[..amz_date.len().min(8)];
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let string_to_sign =
        format!("AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}", hex(&sha256(canonical_request.as_bytes())));
    let k_date = hmac_sha256(format!("AWS4{}", scope.secret_access_key).as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, scope.region.as_bytes());
    let k_service = hmac_sha256(&k_region, scope.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    let signature = hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()));
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    headers.push((
        "Authorization".to_owned(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
            scope.access_key_id
        ),
    ));
}

/// SigV4's URI encoding: unreserved characters kept, everything else `%XX` in upper case.
fn aws_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
fn amz_date(now: SystemTime) -> String {
    let (year, month, day, hour, minute, second) = utc_parts(now);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
}

/// `YYYY-MM-DDTHH:MM:SS.000Z` in UTC, as JavaScript's `toISOString` writes it.
pub(crate) fn iso8601(time: SystemTime) -> String {
    let (year, month, day, hour, minute, second) = utc_parts(time);
    let millis = time.duration_since(UNIX_EPOCH).map(|d| d.subsec_millis()).unwrap_or(0);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// Year, month, day, hour, minute, second of `time` in UTC (times before 1970 count as 1970).
fn utc_parts(time: SystemTime) -> (i64, i64, i64, u64, u64, u64) {
    let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn amz_date_formats_utc_civil_time() {
        // 2015-08-30T12:36:00Z, the AWS test suite's date.
        assert_eq!(amz_date(UNIX_EPOCH + Duration::from_secs(1_440_938_160)), "20150830T123600Z");
        assert_eq!(amz_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(iso8601(UNIX_EPOCH + Duration::from_millis(951_782_400_250)), "2000-02-29T00:00:00.250Z");
    }

    #[test]
    fn aws_encode_keeps_unreserved_and_upper_cases_the_rest() {
        assert_eq!(aws_encode("a b/c~d=é"), "a%20b%2Fc~d%3D%C3%A9");
    }
}
