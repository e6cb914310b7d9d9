//! The API's JSON shapes, with their OpenAPI schemas.

use concord_domain::registry::Names;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A name in the working languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamesView {
    pub en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

impl From<&Names> for NamesView {
    fn from(n: &Names) -> Self {
        NamesView {
            en: n.en.clone(),
            ru: n.ru.clone(),
            zh: n.zh.clone(),
        }
    }
}

/// A status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    /// First day (YYYY-MM-DD).
    pub since: String,
    /// member, observer, dialogue-partner, suspended or withdrawn.
    pub status: String,
}

/// A state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateView {
    pub code: String,
    pub name: NamesView,
    /// The status today, if it has one.
    pub status_today: Option<String>,
    pub membership: Vec<MembershipView>,
}

/// A competent authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityView {
    pub id: String,
    /// `null` for the regional structure.
    pub state: Option<String>,
    pub kind: String,
    pub name: NamesView,
}

/// A body or meeting mechanism.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyView {
    pub id: String,
    pub kind: String,
    pub name: NamesView,
    pub parent: Option<String>,
    pub level: Option<i64>,
}

/// A citable article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    pub number: String,
    pub title: String,
}

/// A state's signature and ratification.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyView {
    pub state: String,
    pub signed: String,
    pub ratified: Option<String>,
}

/// A legal instrument.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstrumentView {
    pub id: String,
    pub kind: String,
    pub title: NamesView,
    pub adopted: String,
    pub articles: Vec<ArticleView>,
    pub parties: Vec<PartyView>,
}

/// A user, as shown to themselves and administrators.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub authority: String,
    /// `null` for the regional structure.
    pub state: Option<String>,
    pub roles: Vec<String>,
    pub clearance: String,
    pub disabled: bool,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`; also set as the session cookie.
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub user: UserView,
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub authority: String,
    pub roles: Vec<String>,
    pub clearance: String,
    pub password: String,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub roles: Option<Vec<String>>,
    pub clearance: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// A handling code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingView {
    /// `all-members`, `structure-only`, `originator-only` or `states:CN,KZ`.
    pub distribution: String,
    /// `free` or `originator-consent`.
    pub dissemination: String,
    /// `intelligence-only` or `evidence`.
    #[serde(rename = "use")]
    pub use_: String,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// A record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub originator: String,
    pub originator_state: Option<String>,
    pub handling: HandlingView,
    /// pending, approved or returned.
    pub compliance: String,
    pub compliance_note: Option<String>,
    pub review_date: Option<String>,
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A record to contribute.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecordRequest {
    pub kind: String,
    pub title: String,
    pub handling: HandlingView,
    /// YYYY-MM-DD.
    pub review_date: Option<String>,
    #[schema(value_type = Object)]
    #[serde(default)]
    pub body: serde_json::Value,
}

/// A compliance decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceRequest {
    /// Approve, or return with reasons.
    pub approve: bool,
    /// The reasons, checked against the checklist.
    pub note: String,
    /// The version decided on.
    pub version: i64,
}

/// A page of records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    pub records: Vec<RecordView>,
    pub offset: i64,
    pub limit: i64,
}

/// A count.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountView {
    pub count: i64,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub authority: String,
    pub action: String,
    pub target: String,
    pub purpose: String,
    pub hash: String,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageView {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `after` for the next page.
    pub next_after: Option<i64>,
}

/// The outcome of verifying the audit chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerifyView {
    pub ok: bool,
    pub entries: Option<i64>,
    pub checkpoint: Option<i64>,
    /// What was found wrong.
    pub problem: Option<String>,
}

/// Health.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    pub status: &'static str,
}
