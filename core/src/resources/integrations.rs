//! `client.integrations()`: list, create, get, update, update auth, icon (made from the operation table in
//! `operation.rs`), and the icon upload, written here.

use crate::client::Client;
use crate::error::Result;
use crate::models::Icon;
use crate::operation::{self, Operation};
use crate::response::Response;
use crate::transport::ApiRequest;
use crate::validate;

/// The integration endpoints. Get it with [`Client::integrations`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::{CreateIntegration, UpdateIntegration};
///
/// let created = client.integrations().create(&CreateIntegration::new("Weather").description("Forecasts")).await?;
/// let color = UpdateIntegration { color: Some("#0a84ff".into()), ..Default::default() };
/// client.integrations().update(&created.id, &color).await?;
/// let integration = client.integrations().get(&created.id).await?;
/// assert_eq!(integration.name, "Weather");
/// println!("{} action(s), read in {} attempt(s)", integration.actions.len(), integration.attempts());
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Integrations<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Integrations<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Integrations { client }
    }

    /// Uploads a new icon: PNG, JPEG or WebP (recognised by content), at most 20 MB.
    pub async fn set_icon(&self, integration_id: &str, image: impl Into<bytes::Bytes>) -> Result<Response<Icon>> {
        self.client.check_op_ids(Operation::PutIcon, &[integration_id])?;
        let image = image.into();
        let mime = if self.client.settings.validate {
            validate::icon(&image)?
        } else {
            validate::image_mime(&image).unwrap_or("application/octet-stream")
        };
        let (body, content_type) = multipart_file("icon", mime, &image);
        let op = Operation::PutIcon;
        self.client
            .call(ApiRequest::raw(
                op,
                operation::http_method(op),
                operation::path(op, &[integration_id]),
                body,
                content_type,
            ))
            .await
    }
}

/// A multipart/form-data body with one file field; returns the body and its content type.
fn multipart_file(field: &str, mime: &str, bytes: &[u8]) -> (bytes::Bytes, String) {
    let boundary = format!("langdock-{}", uuid::Uuid::new_v4().simple());
    let extension = mime.rsplit('/').next().unwrap_or("bin");
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"icon.{extension}\"\r\n\
             Content-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body.into(), format!("multipart/form-data; boundary={boundary}"))
}
