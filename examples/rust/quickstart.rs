//! The quick-start: one custom integration from nothing to a working setup, then cleaned up.
//!
//! Run it against the emulator with `make demo`, or against your workspace with
//! `LANGDOCK_API_KEY=sk-ld-... cargo run -p langdock --example quickstart`.

use langdock::{
    ActionInput, AuthField, AuthFieldType, AuthType, Client, CreateIntegration, InputField, InputFieldType,
    TriggerInput, UpdateAuth, UpdateIntegration,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?; // LANGDOCK_API_KEY, LANGDOCK_BASE_URL
    println!("[rust] talking to {}", client.base_url());

    let integration =
        client.integrations().create(&CreateIntegration::new("Weather").description("Forecasts for agents")).await?;
    println!("[rust] created integration {} ({})", integration.name, integration.id);
    let id = integration.into_inner().id;

    let auth = UpdateAuth {
        auth_type: AuthType::ApiKey,
        auth_fields: Some(vec![AuthField::new("apiKey", "API key", AuthFieldType::Password).required()]),
        auth_test_code: Some("return ld.request({ url: 'https://api.example.com/ping' });".into()),
        ..UpdateAuth::default()
    };
    let with_auth = client.integrations().update_auth(&id, &auth).await?;
    println!("[rust] auth is {} with {} field(s)", with_auth.auth_type, with_auth.auth_fields.len());

    let action = client
        .actions()
        .create(
            &id,
            &ActionInput::new("Get forecast")
                .description("Forecast for a city")
                .code("return ld.request({ url: `https://api.example.com/forecast?city=${data.input.city}` });")
                .input_fields([
                    InputField::new("City", InputFieldType::Text).required(),
                    InputField::new("Days", InputFieldType::Number),
                ]),
        )
        .await?;
    println!(
        "[rust] added action {:?} (slug {}, inputs: {})",
        action.name,
        action.slug.as_deref().unwrap_or("?"),
        action.input_fields.iter().filter_map(|f| f.slug.as_deref()).collect::<Vec<_>>().join(", ")
    );

    let trigger = client.triggers().create(&id, &TriggerInput::new("Storm warning").polling_code("return [];")).await?;
    println!("[rust] added trigger {:?} (slug {})", trigger.name, trigger.slug.as_deref().unwrap_or("?"));

    let update = UpdateIntegration { description: Some("Forecasts and storm warnings".into()), ..Default::default() };
    let updated = client.integrations().update(&id, &update).await?;
    println!("[rust] updated description: {:?}", updated.description.as_deref().unwrap_or(""));

    let list = client.integrations().list().await?;
    println!("[rust] the workspace has {} integration(s):", list.len());
    for item in list.iter() {
        let origin = if item.built_by_langdock { "Langdock" } else { "custom" };
        println!("[rust]   {:<24} {:<8} {} action(s)", item.name, origin, item.actions.len());
    }

    let full = client.integrations().get(&id).await?;
    println!("[rust] {} has {} action(s) and {} trigger(s)", full.name, full.actions.len(), full.triggers.len());

    let deleted = client.actions().delete(&id, &action.id).await?;
    println!("[rust] {}: {}", deleted.message, deleted.id);
    let deleted = client.triggers().delete(&id, &trigger.id).await?;
    println!("[rust] {}: {}", deleted.message, deleted.id);
    let after = client.integrations().get(&id).await?;
    println!("[rust] done: {} action(s), {} trigger(s) left", after.actions.len(), after.triggers.len());
    Ok(())
}
