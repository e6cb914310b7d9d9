//! A state's webhook: where its notices are delivered, signed. Kept by the
//! state's administrators; the rules are `concord_domain::webhook_rules`.

use crate::Result;
use concord_domain::webhook_rules;
use concord_store::{Ctx, Store, Webhook};

/// Sets (or replaces) the webhook of the viewer's state; only notices from
/// now on are delivered.
pub async fn set(store: &Store, ctx: &Ctx, url: &str, secret: &str) -> Result<Webhook> {
    let owner = webhook_rules::owner(&ctx.viewer)?;
    webhook_rules::check_webhook(url, secret)?;
    Ok(store.set_webhook(ctx, &owner, url, secret).await?)
}

/// The webhook of the viewer's state, if any.
pub async fn get(store: &Store, ctx: &Ctx) -> Result<Option<Webhook>> {
    let owner = webhook_rules::owner(&ctx.viewer)?;
    Ok(store.webhook(&owner).await?)
}

/// Removes the webhook of the viewer's state.
pub async fn delete(store: &Store, ctx: &Ctx) -> Result<()> {
    let owner = webhook_rules::owner(&ctx.viewer)?;
    Ok(store.delete_webhook(ctx, &owner).await?)
}
