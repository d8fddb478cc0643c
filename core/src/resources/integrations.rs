//! `client.integrations()`: list, create, get, update, update auth, icon.

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;
use crate::models::{
    CreateIntegration, Icon, Integration, IntegrationRef, IntegrationSummary, UpdateAuth, UpdateIntegration,
};
use crate::operation::Operation;
use crate::response::Response;
use crate::transport::ApiRequest;
use crate::validate;

#[derive(Deserialize)]
struct ListEnvelope {
    integrations: Vec<IntegrationSummary>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    integration: T,
}

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
    client: &'a Client,
}

impl<'a> Integrations<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Integrations { client }
    }

    /// Every integration of the workspace, Langdock-built and custom (unpaginated).
    /// Works with an `ASSISTANT_API` or `INTEGRATION_API` key.
    pub async fn list(&self) -> Result<Response<Vec<IntegrationSummary>>> {
        let response: Response<ListEnvelope> = self.client.call_op(Operation::ListIntegrations, &[]).await?;
        Ok(response.map(|envelope| envelope.integrations))
    }

    /// Creates an integration (auth type `NONE`, no actions, no triggers).
    ///
    /// Names are not unique, so a create that failed ambiguously (timeout, reset, 5xx) is not
    /// retried: its error has [`maybe_created`](crate::Error::maybe_created) set, as has the error
    /// of a 2xx answer whose body cannot be read (the integration exists).
    pub async fn create(&self, body: &CreateIntegration) -> Result<Response<IntegrationRef>> {
        let response: Response<Envelope<IntegrationRef>> =
            self.client.call_json(Operation::CreateIntegration, &[], body).await?;
        Ok(response.map(|envelope| envelope.integration))
    }

    /// The whole integration: auth settings, actions (with code and input fields), triggers.
    pub async fn get(&self, integration_id: &str) -> Result<Response<Integration>> {
        let response: Response<Envelope<Integration>> =
            self.client.call_op(Operation::GetIntegration, &[integration_id]).await?;
        Ok(response.map(|envelope| envelope.integration))
    }

    /// Changes the name, description, icon URL or color; only what is given changes.
    pub async fn update(&self, integration_id: &str, body: &UpdateIntegration) -> Result<Response<IntegrationRef>> {
        let response: Response<Envelope<IntegrationRef>> =
            self.client.call_json(Operation::UpdateIntegration, &[integration_id], body).await?;
        Ok(response.map(|envelope| envelope.integration))
    }

    /// Sets how users authenticate. Changing the auth type disconnects every user of the
    /// integration; `auth_fields`, when given, replace the whole list.
    pub async fn update_auth(&self, integration_id: &str, body: &UpdateAuth) -> Result<Response<Integration>> {
        let response: Response<Envelope<Integration>> =
            self.client.call_json(Operation::UpdateAuth, &[integration_id], body).await?;
        Ok(response.map(|envelope| envelope.integration))
    }

    /// The integration's icon URL (`None` when it has no icon).
    pub async fn icon(&self, integration_id: &str) -> Result<Response<Icon>> {
        self.client.call_op(Operation::GetIcon, &[integration_id]).await
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
        self.client.call(ApiRequest::raw(op, op.http_method(), op.path(&[integration_id]), body, content_type)).await
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
