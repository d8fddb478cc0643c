//! Every `ld.*` utility and global helper, with known answers: SigV4 against AWS's published test vectors,
//! RS256 against OpenSSL's signature and verified with the public key, base64/hex/CSV by hand-checked values.

mod common;

use base64::Engine as _;
use common::{Server, expect_ok, spec};
use langdock_sandbox::{ErrorKind, Outcome, RunSpec, run_blocking};
use serde_json::{Value, json};

fn run_code(code: &str) -> Outcome {
    run_blocking(RunSpec::new(code))
}

fn result_of(code: &str) -> Value {
    let outcome = run_code(code);
    expect_ok(&outcome).clone()
}

#[test]
fn btoa_and_atob_round_trip_latin1_and_refuse_unicode() {
    assert_eq!(
        result_of("return [btoa('Hello, World!'), atob('SGVsbG8sIFdvcmxkIQ=='), btoa('user:pa\u{e9}ss')];"),
        json!(["SGVsbG8sIFdvcmxkIQ==", "Hello, World!", "dXNlcjpwYelzcw=="])
    );
    let outcome = run_code("return btoa('\u{2713}');");
    assert!(outcome.error.unwrap().message.contains("Latin-1"));
}

#[test]
fn buffer_converts_between_utf8_base64_and_hex() {
    let result = result_of(
        "const b = Buffer.from('h\u{e9}llo');
         return {
           length: b.length,
           hex: b.toString('hex'),
           base64: b.toString('base64'),
           base64url: Buffer.from([251, 255]).toString('base64url'),
           fromBase64: Buffer.from('aMOpbGxv', 'base64').toString('utf8'),
           fromHex: Buffer.from('68c3a96c6c6f', 'hex').toString(),
           fromUrlSafe: Buffer.from('-_8', 'base64').toString('hex'),
           concat: Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]).toString(),
           isBuffer: [Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1))],
           byteLength: Buffer.byteLength('\u{e9}'),
           fromArrayBuffer: Buffer.from(new Uint8Array([104, 105]).buffer).toString(),
         };",
    );
    assert_eq!(
        result,
        json!({
            "length": 6, "hex": "68c3a96c6c6f", "base64": "aMOpbGxv", "base64url": "-_8",
            "fromBase64": "h\u{e9}llo", "fromHex": "h\u{e9}llo", "fromUrlSafe": "fbff", "concat": "abcd",
            "isBuffer": [true, false], "byteLength": 2, "fromArrayBuffer": "hi"
        })
    );
    let outcome = run_code("return Buffer.from('x', 'utf16le');");
    assert!(outcome.error.unwrap().message.contains("Unknown encoding"));
}

#[test]
fn json2csv_quotes_fields_and_unions_columns() {
    let csv = result_of(
        "return await ld.json2csv([{ a: 1, b: 'x,y' }, { a: 2, c: 'say \"hi\"' }, { a: null, b: { n: 1 }, c: 'line\\nbreak' }]);",
    );
    assert_eq!(csv, json!("a,b,c\n1,\"x,y\",\n2,,\"say \"\"hi\"\"\"\n,\"{\"\"n\"\":1}\",\"line\nbreak\""));
}

#[test]
fn sql_guards_allow_one_read_only_statement() {
    let result = result_of(
        r#"const verdict = (f, sql) => { try { f(sql); return 'ok'; } catch (e) { return e.message; } };
        return [
          verdict(ld.validateSqlQuery, 'SELECT * FROM t WHERE name = \'a;b\';'),
          verdict(ld.validateSqlQuery, 'SELECT 1; DROP TABLE t'),
          verdict(ld.validateSqlQuery, '   '),
          verdict(ld.ensureReadOnlySqlQuery, 'WITH x AS (SELECT 1) SELECT * FROM x'),
          verdict(ld.ensureReadOnlySqlQuery, '-- note\nselect id from users'),
          verdict(ld.ensureReadOnlySqlQuery, 'DELETE FROM users'),
          verdict(ld.ensureReadOnlySqlQuery, 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d'),
          verdict(ld.ensureReadOnlySqlQuery, "SELECT 'DROP TABLE x' AS text"),
          verdict(ld.ensureReadOnlySqlQuery, "SELECT REPLACE(name, 'a', 'b') FROM users"),
          verdict(ld.ensureReadOnlySqlQuery, 'SET ROLE admin'),
        ];"#,
    );
    assert_eq!(
        result,
        json!([
            "ok",
            "Invalid SQL query: only a single statement is allowed, found 2",
            "Invalid SQL query: the query is empty",
            "ok",
            "ok",
            "Query is not read-only: only SELECT (or WITH ... SELECT) is allowed, found DELETE",
            "Query is not read-only: it contains DELETE",
            "ok",
            "ok",
            "Query is not read-only: only SELECT (or WITH ... SELECT) is allowed, found SET"
        ])
    );
}

/// A 2048-bit key made with `openssl genpkey` for these tests only (PKCS#8 and the same key as PKCS#1).
const TEST_KEY_PKCS8: &str = include_str!("fixtures/rs256-test-key.pem");
const TEST_KEY_PKCS1: &str = include_str!("fixtures/rs256-test-key-pkcs1.pem");
/// `printf '<input>' | openssl dgst -sha256 -sign rs256-test-key.pem | base64 -w0`.
const OPENSSL_SIGNATURE: &str = "XxVvzSpnxB0FRwBCNLSVSxufM9qqRjfHZGUlGxUDfj/LKDtCj6FjmJT7ghJ4eCfn1PG8Dwbx3mUv5ih2WPrsscskcBHvWZqO41N3ZH37bNuH/0zRnfutzDkoU4bXqFMFPkZUuvhOP8+oFXKE2eaIhYGeESWzut8L5hTQp4nEwxinovNsuG4o/YDiIWdLP3D3NjGUMLpKl2GU/HbHCh08aJENchg0YVy9FYgOCy4qbfk4ThA/U4djE35O3bomE3HIyS3IwKFMuX7sNcjpx6+K+PI6gGp4mjbw9rKnCBbUGMHubxdJ3T825/gBBnNVEiCq1ksUKa06JbtkEyRoQdy3vQ==";
const SIGNING_INPUT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsYW5nZG9jayJ9";

#[test]
fn sign_with_rs256_matches_openssl_for_both_key_formats() {
    for key in [TEST_KEY_PKCS8, TEST_KEY_PKCS1] {
        let mut spec = RunSpec::new(format!(
            "return [ld.signWithRS256('{SIGNING_INPUT}', data.auth.privateKey, {{ encoding: 'base64' }}).signature,
                     ld.signWithRS256('{SIGNING_INPUT}', data.auth.privateKey, {{ encoding: 'hex' }}).signature];"
        ));
        spec.auth.insert("privateKey".into(), key.into());
        let outcome = run_blocking(spec);
        let result = expect_ok(&outcome);
        assert_eq!(result[0], OPENSSL_SIGNATURE);
        let raw = base64::engine::general_purpose::STANDARD.decode(OPENSSL_SIGNATURE).unwrap();
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(result[1], hex.as_str());
    }
}

#[test]
fn an_rs256_jwt_built_in_code_verifies_with_the_public_key() {
    let mut spec = RunSpec::new(
        "const b64url = (s) => s.replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
         const header = b64url(btoa(JSON.stringify({ alg: 'RS256', typ: 'JWT' })));
         const claims = b64url(btoa(JSON.stringify({ iss: 'svc@example.iam', aud: 'https://oauth2.example.com/token', iat: 1700000000 })));
         const { signature } = ld.signWithRS256(`${header}.${claims}`, data.auth.privateKey, { encoding: 'base64' });
         return `${header}.${claims}.${b64url(signature)}`;",
    );
    // Stored one-line, with `\n` escapes, as secrets in environment variables usually are.
    spec.auth.insert("privateKey".into(), TEST_KEY_PKCS8.replace('\n', "\\n").into());
    let outcome = run_blocking(spec);
    let jwt = expect_ok(&outcome).as_str().unwrap().to_owned();
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature).unwrap();

    let pem_body: String = TEST_KEY_PKCS8.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(pem_body).unwrap();
    use aws_lc_rs::signature::{self, KeyPair};
    let key = signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let public = signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, key.public_key().as_ref());
    public.verify(signed.as_bytes(), &signature).expect("the JWT's signature verifies with the public key");
    assert!(public.verify(b"tampered", &signature).is_err());
}

#[test]
fn sign_with_rs256_rejects_a_key_that_is_not_rsa_pem() {
    let outcome = run_code("return ld.signWithRS256('x', 'not a key');");
    assert!(outcome.error.unwrap().message.contains("not PEM"));
}

/// AWS's Signature Version 4 test suite: credentials, date and expected signatures as published.
const AWS_KEY_ID: &str = "AKIDEXAMPLE";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn aws_request(server: &Server, options: &str) -> Value {
    let mut s = spec(
        server,
        &format!(
            "const r = await ld.awsRequest({{ region: 'us-east-1', credentials: {{ accessKeyId: data.auth.id, secretAccessKey: data.auth.secret }}, {options} }});
             return r.json;"
        ),
    );
    s.auth.insert("id".into(), AWS_KEY_ID.into());
    s.auth.insert("secret".into(), AWS_SECRET.into());
    let outcome = run_blocking(s);
    expect_ok(&outcome).clone()
}

#[test]
fn aws_request_signs_the_get_vanilla_test_vector() {
    let server = Server::start();
    let echoed = aws_request(
        &server,
        "service: 'service', method: 'GET', url: 'BASE/', headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }",
    );
    assert_eq!(
        echoed["authorization"],
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    assert_eq!(echoed["host"], "example.amazonaws.com");
}

#[test]
fn aws_request_signs_the_iam_list_users_example() {
    let server = Server::start();
    let echoed = aws_request(
        &server,
        "service: 'iam', method: 'GET', url: 'BASE/', params: { Action: 'ListUsers', Version: '2010-05-08' },
         headers: { Host: 'iam.amazonaws.com', 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'X-Amz-Date': '20150830T123600Z' }",
    );
    assert_eq!(
        echoed["authorization"],
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    );
}

#[test]
fn aws_request_to_s3_adds_the_payload_hash_and_the_date() {
    let server = Server::start();
    let echoed =
        aws_request(&server, "service: 's3', method: 'PUT', url: 'BASE/bucket/key.txt', body: Buffer.from('hello')");
    assert_eq!(echoed["contentSha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    let date = echoed["amzDate"].as_str().unwrap();
    assert!(date.len() == 16 && date.ends_with('Z'), "{date}");
    assert!(echoed["authorization"].as_str().unwrap().contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date"));
}

#[test]
fn parquet_and_arrow_conversions_say_they_are_not_emulated() {
    for call in [
        "ld.csv2parquet('a,b\\n1,2', { compression: 'gzip' })",
        "ld.parquet2csv('AAAA')",
        "ld.arrow2parquet(new Uint8Array(1))",
    ] {
        let outcome = run_code(&format!("return await {call};"));
        let error = outcome.error.unwrap();
        assert_eq!(error.kind, ErrorKind::Unsupported, "{call}");
        assert!(error.message.contains("is not emulated by the local sandbox"), "{}", error.message);
    }
}

#[test]
fn ld_wait_pauses_and_clamps_its_argument() {
    let result = result_of(
        "const t = Date.now(); await ld.wait(60); const waited = Date.now() - t; await ld.wait(-5); await ld.wait('x'); return waited >= 55;",
    );
    assert_eq!(result, json!(true));
}

#[test]
fn ld_request_sends_params_headers_and_string_bodies_as_given() {
    let server = Server::start();
    let outcome = run_blocking(spec(
        &server,
        "const r = await ld.request({ method: 'PROPFIND', url: 'BASE/echo?x=1', params: { q: 'a b&c', tags: ['t1', 't2'], skip: undefined },
           headers: { 'Content-Type': 'application/xml', Depth: 1 }, body: '<propfind/>' });
         const o = await ld.request({ method: 'POST', url: 'BASE/echo', headers: { 'content-type': 'application/vnd.api+json' }, body: { a: 1 } });
         return { status: r.status, got: r.json, contentType: r.headers['content-type'], custom: o.json.contentType };",
    ));
    let result = expect_ok(&outcome);
    assert_eq!(result["status"], 200);
    assert_eq!(result["got"]["method"], "PROPFIND");
    assert_eq!(result["got"]["contentType"], "application/xml", "a string body keeps the code's Content-Type");
    assert_eq!(result["got"]["body"], "<propfind/>");
    assert_eq!(result["got"]["query"], json!({ "x": "1", "q": "a b&c", "tags": "t2" }));
    assert_eq!(result["contentType"], "application/json", "response headers are lower-case");
    assert_eq!(result["custom"], "application/vnd.api+json", "the code's own Content-Type wins for an object body");
    assert_eq!(server.seen()[0].path_and_query, "/echo?x=1&q=a+b%26c&tags=t1&tags=t2");
    assert_eq!(server.seen()[0].header("depth"), Some("1"));
}

#[test]
fn ld_request_resolves_http_errors_and_non_json_bodies() {
    let server = Server::start();
    let outcome = run_blocking(spec(
        &server,
        "const missing = await ld.request({ url: 'BASE/missing' });
         const text = await ld.request({ url: 'BASE/text' });
         const empty = await ld.request({ url: 'BASE/empty', method: 'GET' });
         return [missing.status, missing.json, text.json, text.text, empty.status, empty.json, empty.text];",
    ));
    assert_eq!(expect_ok(&outcome), &json!([404, { "error": "not found" }, null, "plain words", 204, null, ""]));
    let statuses: Vec<Option<u16>> = outcome.requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(404), Some(200), Some(204)]);
}

#[test]
fn ld_request_timeout_rejects_with_a_clear_message() {
    let server = Server::start();
    let outcome = run_blocking(spec(
        &server,
        "try { await ld.request({ url: 'BASE/slow', timeout: 200 }); return 'answered'; } catch (e) { return e.message; }",
    ));
    let message = expect_ok(&outcome).as_str().unwrap().to_owned();
    assert!(message.contains("timed out after 200 ms"), "{message}");
}

#[test]
fn ld_request_rejects_bad_options_with_a_type_error() {
    for (code, expected) in [
        ("return await ld.request();", "needs an options object"),
        ("return await ld.request({ method: 'GET' });", "needs options.url"),
        ("return await ld.request({ url: 'ftp://example.com/x' });", "only http and https"),
        ("return await ld.request({ url: 'not a url' });", "invalid url"),
    ] {
        let outcome = run_code(code);
        let message = outcome.error.expect(code).message;
        assert!(message.contains(expected), "{code}: {message}");
    }
}

#[test]
fn requests_run_concurrently_under_promise_all() {
    let server = Server::start();
    let outcome = run_blocking(spec(
        &server,
        "const t = Date.now();
         const results = await Promise.all([1, 2, 3].map(() => ld.wait(300)));
         const rs = await Promise.allSettled([ld.request({ url: 'BASE/text' }), ld.request({ url: 'BASE/text' })]);
         return { parallel: Date.now() - t < 850, statuses: rs.map((r) => r.value.status) };",
    ));
    assert_eq!(expect_ok(&outcome), &json!({ "parallel": true, "statuses": [200, 200] }));
}

#[test]
fn auth_values_are_redacted_from_logs_and_request_summaries() {
    let server = Server::start();
    let mut s = spec(
        &server,
        "ld.log('using key', data.auth.apiKey);
         await ld.request({ url: `BASE/apikey/check?api_key=${data.auth.apiKey}&city=Berlin` });
         await ld.request({ url: `BASE/text/${data.auth.apiKey}` });
         return 1;",
    );
    s.auth.insert("apiKey".into(), "super-secret-key-42".into());
    let outcome = run_blocking(s);
    expect_ok(&outcome);
    assert_eq!(outcome.logs[0].message, "using key [REDACTED]");
    assert!(
        outcome.requests[0].url.ends_with("/apikey/check?api_key=%5BREDACTED%5D&city=Berlin"),
        "{}",
        outcome.requests[0].url
    );
    assert!(outcome.requests[1].url.ends_with("/text/[REDACTED]"), "{}", outcome.requests[1].url);
    assert_eq!(
        server.seen()[0].path_and_query,
        "/apikey/check?api_key=super-secret-key-42&city=Berlin",
        "the server got the real key"
    );
}

#[test]
fn a_request_that_cannot_connect_names_its_url_without_the_secrets() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let code = format!(
        "try {{ await ld.request({{ url: `http://127.0.0.1:{port}/v1/${{data.auth.apiKey}}?key=${{data.auth.apiKey}}&city=Berlin` }}); }}
         catch (e) {{ ld.log(e.message); }}
         await ld.request({{ url: `http://127.0.0.1:{port}/?token=unrelated-token-7` }});"
    );
    let mut s = RunSpec::new(code);
    s.auth.insert("apiKey".into(), "super-secret-key-42".into());
    let outcome = run_blocking(s);
    let caught = &outcome.logs[0].message;
    assert!(caught.contains("cannot connect") && caught.contains("city=Berlin"), "{caught}");
    let error = outcome.error.expect("the second request fails the run").message;
    assert!(error.contains("cannot connect"), "{error}");
    for text in [caught, &error] {
        assert!(!text.contains("super-secret-key-42") && !text.contains("unrelated-token-7"), "{text}");
    }
}

#[test]
fn a_response_larger_than_the_memory_limit_is_refused_not_buffered() {
    let server = Server::start();
    let mut s = spec(
        &server,
        "try { await ld.request({ url: 'BASE/big', responseType: 'binary' }); return 'read'; } catch (e) { return e.message; }",
    );
    s.memory_limit_mb = 2;
    let outcome = run_blocking(s);
    let message = expect_ok(&outcome).as_str().unwrap().to_owned();
    assert!(message.contains("larger than the run's memory limit (2 MB)"), "{message}");
}
