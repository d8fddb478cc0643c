//! Icons: upload by multipart, recognised by magic bytes, served back without auth.

mod common;

use common::{Env, send};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake png body";

fn icon_form(field: &str, bytes: Vec<u8>, declared: &str) -> Form {
    Form::new().part(field.to_owned(), Part::bytes(bytes).file_name("icon.bin").mime_str(declared).unwrap())
}

#[tokio::test]
async fn icon_is_null_until_a_png_is_uploaded_then_its_url_serves_the_bytes() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let path = format!("/integrations/v1/{id}/icon");
    assert_eq!(env.get(&path).await.json, json!({ "iconUrl": null }));
    // Declared as text on purpose: the format is detected from the bytes.
    let answer = send(env.req(Method::PUT, &path).multipart(icon_form("icon", PNG.to_vec(), "text/plain"))).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let url = answer.json["iconUrl"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{}/_emulator/icons/{id}.png", env.emu.base_url()));
    assert_eq!(env.get(&path).await.json["iconUrl"], url);
    let served = env.http.get(&url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
}

#[tokio::test]
async fn jpeg_and_webp_are_accepted_and_only_the_latest_icon_is_kept() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let path = format!("/integrations/v1/{id}/icon");
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    let answer = send(env.req(Method::PUT, &path).multipart(icon_form("icon", jpeg, "image/jpeg"))).await;
    let jpeg_url = answer.json["iconUrl"].as_str().unwrap().to_owned();
    assert!(jpeg_url.ends_with(".jpg"), "{jpeg_url}");
    let webp = b"RIFF\x10\0\0\0WEBPVP8 data".to_vec();
    let answer = send(env.req(Method::PUT, &path).multipart(icon_form("icon", webp, "image/webp"))).await;
    assert!(answer.json["iconUrl"].as_str().unwrap().ends_with(".webp"));
    assert_eq!(env.http.get(&jpeg_url).send().await.unwrap().status(), 404, "the old icon is gone");
}

#[tokio::test]
async fn icon_upload_refuses_non_images_missing_field_wrong_type_and_too_large_files() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let path = format!("/integrations/v1/{id}/icon");
    let text = send(env.req(Method::PUT, &path).multipart(icon_form("icon", b"hello".to_vec(), "image/png"))).await;
    assert_eq!(text.status, 400);
    assert!(text.message().contains("PNG"), "{}", text.message());
    let missing = send(env.req(Method::PUT, &path).multipart(icon_form("file", PNG.to_vec(), "image/png"))).await;
    assert_eq!(missing.status, 400);
    assert!(missing.message().contains("icon"));
    let json_body = env.json(Method::PUT, &path, json!({ "icon": "x" })).await;
    assert_eq!(json_body.status, 415);
    let mut huge = PNG.to_vec();
    huge.resize(20 * 1024 * 1024 + 1, 0);
    let too_large = send(env.req(Method::PUT, &path).multipart(icon_form("icon", huge, "image/png"))).await;
    assert_eq!(too_large.status, 413);
    assert_eq!(env.get(&path).await.json["iconUrl"], Value::Null, "nothing was stored");
}

#[tokio::test]
async fn icon_url_set_by_patch_is_shown_by_get_icon() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    env.json(Method::PATCH, &format!("/integrations/v1/{id}"), json!({ "iconUrl": "https://cdn.example/i.png" })).await;
    assert_eq!(env.get(&format!("/integrations/v1/{id}/icon")).await.json["iconUrl"], "https://cdn.example/i.png");
}
