//! User administration: who may list, create and change users, and the
//! checks on what they ask. The rules are `concord_domain::administration`;
//! this module applies them and writes through the store.

use crate::passwords::{check_password, hash_password};
use crate::{Caller, Refusal, Result};
use concord_domain::administration::{
    check_authority, check_display_name, check_grant, check_roles, check_username, oversees,
};
use concord_domain::record::FieldError;
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, User, UserId};
use concord_store::{Actor, NewUser, Store, UserUpdate};

/// A user to create.
#[derive(Debug, Clone)]
pub struct AddUser {
    pub username: String,
    pub display_name: String,
    pub authority: AuthorityId,
    pub roles: Roles,
    pub clearance: Classification,
    /// The password in clear; only its hash is kept.
    pub password: String,
}

/// What to change of a user; `None` leaves it.
#[derive(Debug, Clone, Default)]
pub struct ChangeUser {
    pub display_name: Option<String>,
    pub roles: Option<Roles>,
    pub clearance: Option<Classification>,
    pub disabled: Option<bool>,
    /// A new password in clear.
    pub password: Option<String>,
}

fn field(e: FieldError) -> Refusal {
    Refusal::Invalid {
        field: e.field,
        message: e.message,
    }
}

/// The state of a user's authority, if it has one.
pub fn state_of(store: &Store, authority: &AuthorityId) -> Option<StateCode> {
    store
        .snapshot()
        .registry
        .authority(authority)
        .and_then(|a| a.state.clone())
}

/// Creates a user on the node's own authority, as `concord user add` and
/// the demo do: every rule on the user's content, no rule on who asks.
pub async fn add(store: &Store, actor: &Actor, new: AddUser) -> Result<User> {
    check_username(&new.username).map_err(field)?;
    check_display_name(&new.display_name).map_err(field)?;
    check_authority(&store.snapshot().registry, &new.authority).map_err(field)?;
    check_roles(&new.roles).map_err(field)?;
    check_password("password", &new.password)?;
    let password_hash = hash_password(&new.password)?;
    let user = NewUser {
        username: new.username,
        display_name: new.display_name,
        authority: new.authority,
        roles: new.roles,
        clearance: new.clearance,
        password_hash,
    };
    Ok(store.create_user(user, actor).await?)
}

/// The users `caller` administers.
pub async fn list(store: &Store, caller: &Caller) -> Result<Vec<User>> {
    caller.require(&[Role::Administrator], "listing users")?;
    let snap = store.snapshot();
    let users: Vec<User> = store
        .users()
        .await?
        .into_iter()
        .filter(|u| oversees(&snap.registry, &caller.viewer, &u.authority))
        .collect();
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    store.audit(&caller.actor(), "user.list", names.join(",")).await?;
    Ok(users)
}

/// Creates a user in an authority `caller` administers, with at most the
/// caller's clearance.
pub async fn create(store: &Store, caller: &Caller, new: AddUser) -> Result<User> {
    caller.require(&[Role::Administrator], "creating users")?;
    let snap = store.snapshot();
    check_authority(&snap.registry, &new.authority).map_err(field)?;
    if !oversees(&snap.registry, &caller.viewer, &new.authority) {
        return Err(Refusal::Forbidden(
            "you administer the users of your own state's authorities only".into(),
        ));
    }
    check_grant(&caller.viewer, new.clearance).map_err(field)?;
    // `add` checks the content (username, roles, password, ...).
    add(store, &caller.actor(), new).await
}

/// Changes a user `caller` administers; one outside the caller's scope is
/// "not found", exactly like a missing one.
pub async fn update(store: &Store, caller: &Caller, id: &UserId, change: ChangeUser) -> Result<User> {
    caller.require(&[Role::Administrator], "changing users")?;
    let current = store.user(id).await?;
    if !oversees(&store.snapshot().registry, &caller.viewer, &current.authority) {
        return Err(Refusal::NotFound(format!("user {id}")));
    }
    if let Some(name) = &change.display_name {
        check_display_name(name).map_err(field)?;
    }
    if let Some(roles) = &change.roles {
        check_roles(roles).map_err(field)?;
    }
    if let Some(c) = change.clearance {
        check_grant(&caller.viewer, c).map_err(field)?;
    }
    let password_hash = match change.password.as_deref() {
        Some(p) => {
            check_password("password", p)?;
            Some(hash_password(p)?)
        }
        None => None,
    };
    let update = UserUpdate {
        display_name: change.display_name,
        roles: change.roles,
        clearance: change.clearance,
        disabled: change.disabled,
        password_hash,
    };
    Ok(store.update_user(id, update, &caller.actor()).await?)
}

/// Changes a user's password as the node's operator (`concord user passwd`).
pub async fn set_password(store: &Store, actor: &Actor, id: &UserId, password: &str) -> Result<User> {
    check_password("password", password)?;
    let update = UserUpdate {
        password_hash: Some(hash_password(password)?),
        ..Default::default()
    };
    Ok(store.update_user(id, update, actor).await?)
}
