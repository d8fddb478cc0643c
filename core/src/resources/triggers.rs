//! `client.triggers()`: create and delete, written here; update is made from the operation table in `operation.rs`.

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;
use crate::models::{Deleted, Trigger, TriggerInput};
use crate::operation::Operation;
use crate::response::Response;

#[derive(Deserialize)]
struct Envelope {
    trigger: Trigger,
}

/// The trigger endpoints. Get it with [`Client::triggers`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::{CreateIntegration, TriggerInput};
///
/// # let integration = client.integrations().create(&CreateIntegration::new("Tickets")).await?;
/// let trigger = TriggerInput::new("New ticket")
///     .polling_code("return ld.request({ url: 'https://example.com/tickets' });");
/// let created = client.triggers().create(&integration.id, &trigger).await?;
/// client.triggers().update(&integration.id, &created.id, &TriggerInput::new("New or updated ticket")).await?;
/// client.triggers().delete(&integration.id, &created.id).await?;
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Triggers<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Triggers<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Triggers { client }
    }

    /// Adds a polling trigger to an integration.
    ///
    /// Safe to retry, as [`Actions::create`](crate::resources::Actions::create) is: a 409 after
    /// an ambiguous attempt resolves to the existing trigger when its name and description match,
    /// and so does a 2xx whose body cannot be read (the trigger exists; when it is not found the
    /// error has [`maybe_created`](crate::Error::maybe_created) set).
    pub async fn create(&self, integration_id: &str, body: &TriggerInput) -> Result<Response<Trigger>> {
        match self.client.call_json::<Envelope>(Operation::CreateTrigger, &[integration_id], body).await {
            Ok(response) => Ok(response.map(|envelope| envelope.trigger)),
            Err(error) => {
                self.client
                    .recover_create(error, "trigger", integration_id, |integration| {
                        integration.triggers.iter().find(|trigger| body.matches(trigger)).cloned()
                    })
                    .await
            }
        }
    }

    /// Deletes a trigger, permanently; a 404 after an ambiguous attempt counts as deleted.
    pub async fn delete(&self, integration_id: &str, trigger_id: &str) -> Result<Response<Deleted>> {
        self.client.delete(Operation::DeleteTrigger, &[integration_id, trigger_id], "Trigger deleted").await
    }
}
