//! User administration: who may list, create and change users, and the
//! checks on what they ask. The rules are `concord_domain::administration`;
//! this module applies them and writes through the store.

use crate::passwords::{check_password, hash_password};
use crate::{Caller, Refusal, Result};
use concord_domain::administration::{
    Powers, administers, check_authority, check_display_name, check_grant, check_grant_decider, check_not_own,
    check_roles, check_username, elevations,
};
use concord_domain::record::FieldError;
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, User, UserId};
use concord_store::{Actor, NewUser, Store, UserGrant, UserUpdate};

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
    /// Lift a lock-out after failed logins.
    pub unlock: bool,
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

/// What a user created or changed by an administrator became: done, or
/// waiting for a second administrator.
#[derive(Debug, Clone)]
pub struct Administered {
    /// The user as it stands now.
    pub user: User,
    /// The grant that waits, if the change needs a second administrator.
    pub pending: Option<UserGrant>,
}

fn powers(u: &User) -> Powers {
    Powers {
        roles: u.roles.clone(),
        clearance: u.clearance,
        active: !u.disabled,
    }
}

/// Creates a user on the node's own authority, as `concord user add` and
/// the demo do: every rule on the user's content, no rule on who asks.
pub async fn add(store: &Store, actor: &Actor, new: AddUser) -> Result<User> {
    add_as(store, actor, new, false, false).await
}

async fn add_as(store: &Store, actor: &Actor, new: AddUser, disabled: bool, must_change: bool) -> Result<User> {
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
        disabled,
        must_change_password: must_change,
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
        .filter(|u| administers(&snap.registry, &caller.viewer, &u.authority))
        .collect();
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    store.audit(&caller.actor(), "user.list", names.join(",")).await?;
    Ok(users)
}

/// Creates a user in an authority `caller` administers, with at most the
/// caller's clearance. A user with a guarded role or a clearance above
/// confidential is created disabled, its activation waiting for a second
/// administrator.
pub async fn create(store: &Store, caller: &Caller, new: AddUser) -> Result<Administered> {
    caller.require(&[Role::Administrator], "creating users")?;
    let snap = store.snapshot();
    check_authority(&snap.registry, &new.authority).map_err(field)?;
    if !administers(&snap.registry, &caller.viewer, &new.authority) {
        return Err(Refusal::Forbidden(
            "you administer the users of your own state's authorities only (the structure's, of the structure only)"
                .into(),
        ));
    }
    check_grant(&caller.viewer, new.clearance).map_err(field)?;
    let wanted = Powers {
        roles: new.roles.clone(),
        clearance: new.clearance,
        active: true,
    };
    let guarded = !elevations(&Powers::none(), &wanted).is_empty();
    // `add` checks the content (username, roles, password, ...).
    // The administrator chose the password: the user replaces it first.
    let user = add_as(store, &caller.actor(), new, guarded, true).await?;
    let pending = if guarded {
        // The powers are recorded with the activation: a change made to the
        // disabled user meanwhile is not what the second administrator approves.
        let activation = UserUpdate {
            roles: Some(wanted.roles),
            clearance: Some(wanted.clearance),
            disabled: Some(false),
            ..Default::default()
        };
        Some(store.request_user_grant(&user, &activation, &caller.actor()).await?)
    } else {
        None
    };
    Ok(Administered { user, pending })
}

/// Changes a user `caller` administers; one outside the caller's scope is
/// "not found", exactly like a missing one. Nobody changes their own roles,
/// clearance or standing. A change that grants a guarded role or a clearance
/// above confidential waits for a second administrator; the rest of the
/// request applies now. A password set here must be changed by its user at
/// the next login, and the user's authority is told.
pub async fn update(store: &Store, caller: &Caller, id: &UserId, change: ChangeUser) -> Result<Administered> {
    caller.require(&[Role::Administrator], "changing users")?;
    let current = store.user(id).await?;
    if !administers(&store.snapshot().registry, &caller.viewer, &current.authority) {
        return Err(Refusal::NotFound(format!("user {id}")));
    }
    if change.roles.is_some() || change.clearance.is_some() || change.disabled.is_some() {
        check_not_own(&caller.viewer, id)?;
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
    let wanted = Powers {
        roles: change.roles.clone().unwrap_or(current.roles.clone()),
        clearance: change.clearance.unwrap_or(current.clearance),
        active: !change.disabled.unwrap_or(current.disabled),
    };
    let guarded = !elevations(&powers(&current), &wanted).is_empty();
    let power_change = UserUpdate {
        roles: change.roles,
        clearance: change.clearance,
        disabled: change.disabled,
        ..Default::default()
    };
    let reset = password_hash.is_some() && caller.user.id != *id;
    let now = UserUpdate {
        display_name: change.display_name,
        password_hash,
        must_change_password: reset.then_some(true),
        notice: reset.then(|| {
            format!(
                "the password of {} was reset by {}; it must be changed at the next login",
                current.username, caller.user.username
            )
        }),
        ..if guarded {
            UserUpdate::default()
        } else {
            power_change.clone()
        }
    };
    if change.unlock {
        store.unlock_login(&current.username, &caller.actor()).await?;
    }
    let user = store.update_user(id, now, &caller.actor()).await?;
    let pending = if guarded {
        Some(store.request_user_grant(&user, &power_change, &caller.actor()).await?)
    } else {
        None
    };
    Ok(Administered { user, pending })
}

/// Which of the users `caller` administers are locked out after failed logins.
pub async fn locked(store: &Store, caller: &Caller) -> Result<std::collections::BTreeSet<String>> {
    caller.require(&[Role::Administrator], "listing users")?;
    Ok(store.locked_usernames().await?)
}

/// The grants that wait for a decision among the users `caller` administers.
pub async fn pending_grants(store: &Store, caller: &Caller) -> Result<Vec<(UserGrant, User)>> {
    caller.require(&[Role::Administrator], "reading grants")?;
    let snap = store.snapshot();
    let mut out = Vec::new();
    for g in store.pending_user_grants().await? {
        let user = store.user(&g.user_id).await?;
        if administers(&snap.registry, &caller.viewer, &user.authority) {
            out.push((g, user));
        }
    }
    Ok(out)
}

/// A second administrator approves or refuses a grant: not the one who asked
/// for it, not the user it empowers, and within their own scope. An approval
/// is checked again against the approver's own clearance.
pub async fn decide_grant(store: &Store, caller: &Caller, id: &str, approve: bool) -> Result<UserGrant> {
    caller.require(&[Role::Administrator], "deciding grants")?;
    let g = store.user_grant(id).await?;
    let user = store.user(&g.user_id).await?;
    if !administers(&store.snapshot().registry, &caller.viewer, &user.authority) {
        return Err(Refusal::NotFound(format!("grant {id}")));
    }
    check_grant_decider(&caller.viewer, &g.requested_by, &g.user_id)?;
    if approve {
        check_grant(&caller.viewer, g.clearance.unwrap_or(user.clearance)).map_err(field)?;
    }
    Ok(store.decide_user_grant(&g, approve, &caller.actor()).await?)
}

/// The caller changes its own password: the current one proves it is them,
/// and a password an administrator set is replaced. Every session ends;
/// the user logs in again with the new password.
pub async fn change_own_password(store: &Store, caller: &Caller, current: &str, new: &str) -> Result<User> {
    let found = store.user_for_login(&caller.user.username).await?;
    let Some((_, hash)) = found else {
        return Err(Refusal::Unauthenticated);
    };
    if !crate::passwords::verify_password(current, &hash) {
        return Err(Refusal::Invalid {
            field: "current_password".into(),
            message: "that is not your current password".into(),
        });
    }
    check_password("new_password", new)?;
    if new == current {
        return Err(Refusal::Invalid {
            field: "new_password".into(),
            message: "choose a password other than the current one".into(),
        });
    }
    let update = UserUpdate {
        password_hash: Some(hash_password(new)?),
        must_change_password: Some(false),
        ..Default::default()
    };
    Ok(store.update_user(&caller.user.id, update, &caller.actor()).await?)
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
