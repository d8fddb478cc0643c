//! Integration icons (API.md 4.6): upload as multipart/form-data, recognised by magic bytes, served back by the
//! emulator under `/_emulator/icons/`.

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::json;
use uuid::Uuid;

use super::{Request, find, writable};
use crate::app::App;
use crate::reply::{ApiError, Reply};
use crate::state::Icon;
use crate::state::StoredIcon;
use crate::sync::lock;
use crate::validate::limits;

/// Image formats accepted, by their leading bytes: (extension, content type).
pub(crate) fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(("webp", "image/webp"))
    } else {
        None
    }
}

/// `GET …/icon`: the icon URL, `null` until one is set.
pub(super) fn get(app: &App, id: Uuid) -> Result<Reply, ApiError> {
    let store = app.store();
    let integration = find(&store, id)?;
    let url = integration.icon.as_ref().map(|icon| match icon {
        Icon::Url { url } => url.clone(),
        Icon::Uploaded { ext } => app.icon_url(id, ext),
    });
    Ok(Reply::ok(&json!({ "iconUrl": url })))
}

/// `PUT …/icon`: one file field named `icon`, PNG, JPEG or WebP, at most 20 MiB.
pub(super) async fn put(app: &App, req: &Request<'_>) -> Result<Reply, ApiError> {
    let id = req.integration();
    // Target checks first, so that a write to a Langdock-built integration is 403 whatever the body.
    writable(&mut app.store(), id)?;
    let boundary = req.content_type.and_then(|ct| multer::parse_boundary(ct).ok()).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content type: send multipart/form-data with a file field named icon",
        )
    })?;
    let file = icon_field(req.body.clone(), boundary).await?;
    if file.len() > limits::ICON_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("icon: {} bytes is over the limit of {} bytes (20 MiB)", file.len(), limits::ICON_BYTES),
        ));
    }
    let (ext, content_type) =
        sniff(&file).ok_or_else(|| ApiError::bad_request("icon: not a PNG, JPEG or WebP image"))?;
    {
        // Both under the store lock (taken first, as everywhere), so a state-file snapshot never sees the
        // icon's URL without its bytes.
        let mut store = app.store();
        let integration = writable(&mut store, id)?;
        integration.icon = Some(Icon::Uploaded { ext: ext.to_owned() });
        lock(&app.icons).insert(id, StoredIcon { ext, content_type, bytes: file });
    }
    Ok(Reply::ok(&json!({ "iconUrl": app.icon_url(id, ext) })).applied())
}

/// The bytes of the `icon` field of a multipart body.
async fn icon_field(body: Bytes, boundary: String) -> Result<Bytes, ApiError> {
    let invalid = |e: multer::Error| ApiError::bad_request(format!("invalid multipart body: {e}"));
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Some(field) = multipart.next_field().await.map_err(invalid)? {
        if field.name() == Some("icon") {
            return field.bytes().await.map_err(invalid);
        }
    }
    Err(ApiError::bad_request("icon: missing file field named icon"))
}

/// `GET /_emulator/icons/{integrationId}.{ext}`: the uploaded bytes (no auth).
pub(crate) fn serve_icon_file(app: &App, file: &str) -> Reply {
    let not_found = || ApiError::not_found(format!("no icon {file}")).into_reply();
    let Some((id, ext)) = file.rsplit_once('.') else {
        return not_found();
    };
    let Ok(id) = Uuid::try_parse(id) else {
        return not_found();
    };
    let icons = lock(&app.icons);
    match icons.get(&id) {
        Some(icon) if icon.ext == ext => Reply {
            status: StatusCode::OK,
            body: icon.bytes.clone(),
            content_type: HeaderValue::from_static(icon.content_type),
            headers: Vec::new(),
            applied: false,
        },
        _ => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_magic_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest").map(|s| s.0), Some("png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|s| s.0), Some("jpg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.0), Some("webp"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"RIFF"), None);
    }
}
