//! `client.actions()`: create and delete, written here; update is made from the operation table in `operation.rs`.

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;
use crate::models::{Action, ActionInput, Deleted};
use crate::operation::Operation;
use crate::response::Response;

#[derive(Deserialize)]
struct Envelope {
    action: Action,
}

/// The action endpoints. Get it with [`Client::actions`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::{ActionInput, CreateIntegration, InputField, InputFieldType};
///
/// # let integration = client.integrations().create(&CreateIntegration::new("Weather")).await?;
/// let action = ActionInput::new("Get forecast")
///     .code("return ld.request({ url: `https://wttr.in/${data.input.city}` });")
///     .input_fields([InputField::new("City", InputFieldType::Text).required()]);
/// let created = client.actions().create(&integration.id, &action).await?;
/// assert_eq!(created.name, "Get forecast");
/// client.actions().delete(&integration.id, &created.id).await?;
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Actions<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Actions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Actions { client }
    }

    /// Adds an action to an integration.
    ///
    /// Safe to retry: when an attempt failed ambiguously and the retry meets a 409 (the name
    /// exists), the client reads the integration and returns the existing action if it holds
    /// what was sent; otherwise the 409 stands. A 2xx whose body cannot be read (invalid JSON,
    /// wrong shape, too large) means the action exists: it is read back the same way, and when it
    /// is not found the error has [`maybe_created`](crate::Error::maybe_created) set.
    pub async fn create(&self, integration_id: &str, body: &ActionInput) -> Result<Response<Action>> {
        match self.client.call_json::<Envelope>(Operation::CreateAction, &[integration_id], body).await {
            Ok(response) => Ok(response.map(|envelope| envelope.action)),
            Err(error) => {
                self.client
                    .recover_create(error, "action", integration_id, |integration| {
                        integration.actions.iter().find(|action| body.matches(action)).cloned()
                    })
                    .await
            }
        }
    }

    /// Deletes an action, permanently. A retried delete that meets a 404 after an ambiguous
    /// failure has done its job: it succeeds with [`Deleted::already_deleted`] set.
    pub async fn delete(&self, integration_id: &str, action_id: &str) -> Result<Response<Deleted>> {
        self.client.delete(Operation::DeleteAction, &[integration_id, action_id], "Action deleted").await
    }
}
