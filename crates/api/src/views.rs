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
    /// An administrator set the password: until it is changed
    /// (`POST /api/v1/me/password`) nothing else is answered.
    pub must_change_password: bool,
    /// Locked out after failed logins (shown to administrators).
    pub locked: bool,
    /// The grant this change waits on, when it needs a second administrator
    /// (`POST /api/v1/user-grants/{id}/decision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_grant: Option<String>,
}

/// A change of a user's powers that waits for a second administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub requested_by: String,
    /// The roles, clearance and standing it would set; absent ones stay.
    pub roles: Option<Vec<String>>,
    pub clearance: Option<String>,
    pub disabled: Option<bool>,
    /// pending, approved or refused.
    pub status: String,
    pub created_at: String,
}

/// A second administrator's decision on a grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantDecision {
    pub approve: bool,
}

/// The caller's own password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
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
    /// `true` lifts a lock-out after failed logins.
    pub unlock: Option<bool>,
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

impl From<&concord_domain::HandlingCode> for HandlingView {
    fn from(h: &concord_domain::HandlingCode) -> Self {
        HandlingView {
            distribution: h.distribution.to_string(),
            dissemination: h.dissemination.to_string(),
            use_: h.use_.to_string(),
            classification: h.classification.to_string(),
        }
    }
}

/// A record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    pub id: String,
    /// person, organization, document, vehicle or event.
    pub kind: String,
    pub title: String,
    /// Names (with script, language and kind), identifiers, birth dates, places...
    #[schema(value_type = Object)]
    pub facts: concord_store::codec::FactsDto,
    #[schema(value_type = Object)]
    pub legal_basis: concord_store::codec::LegalBasisDto,
    pub evidence: String,
    pub originator: String,
    pub originator_state: Option<String>,
    pub handling: HandlingView,
    /// pending, approved or returned.
    pub compliance: String,
    pub compliance_note: Option<String>,
    pub review_date: Option<String>,
    /// active, archived or deleted.
    pub status: String,
    pub source_id: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A record's content, to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// person, organization, document, vehicle or event.
    pub kind: String,
    #[schema(value_type = Object)]
    pub facts: concord_store::codec::FactsDto,
    #[schema(value_type = Object)]
    pub legal_basis: concord_store::codec::LegalBasisDto,
    /// The act, not an opinion.
    pub evidence: String,
    pub handling: HandlingView,
    /// YYYY-MM-DD, after today.
    pub review_date: String,
}

/// A change to a record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordUpdate {
    /// The version changed; a stale one is a 409.
    pub version: i64,
    /// Why it changes.
    pub reason: String,
    pub record: RecordRequest,
}

/// The compliance checklist.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistView {
    pub criminal_act_described: bool,
    pub legal_basis_cites_article: bool,
    pub not_on_protected_grounds_alone: bool,
}

/// A compliance decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceRequest {
    /// Approve, or return with reasons.
    pub approve: bool,
    /// Every item must hold to approve.
    pub checklist: ChecklistView,
    /// The reasons.
    pub note: String,
    /// The version decided on.
    pub version: i64,
}

/// One version of a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub at: String,
    pub author: String,
    pub authority: String,
    pub action: String,
    pub reason: String,
    /// The record at that version; absent above your clearance or after erasure.
    #[schema(value_type = Object)]
    pub snapshot: Option<serde_json::Value>,
}

/// A review decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, tag = "action", rename_all = "kebab-case")]
pub enum ReviewRequest {
    /// Keep the record, with a new review date.
    Extend {
        version: i64,
        reason: String,
        review_date: String,
    },
    /// Archive it: only the originating authority keeps it.
    Archive { version: i64, reason: String },
}

/// A record due for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemView {
    pub record: RecordView,
    pub overdue_days: i64,
    /// Past the grace period: other states no longer see it.
    pub hidden_from_other_states: bool,
}

/// An erasure by data-protection decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    /// The recorded decision.
    pub decision: String,
}

/// A relationship to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationshipRequest {
    pub from: String,
    pub to: String,
    /// member-of, leader-of, associate, financer, family.
    pub kind: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub source: String,
}

/// A relationship.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationshipView {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub source: String,
    pub originator: String,
}

/// A data-subject request to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequestNew {
    pub record_id: String,
    /// access, correction or deletion.
    pub kind: String,
    /// Who asks, as they identify themselves.
    pub requester: String,
    #[serde(default)]
    pub details: String,
}

/// The originator's decision on a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequestDecision {
    pub grant: bool,
    pub decision: String,
    /// The reply sent to the data subject.
    pub reply: String,
}

/// A data-subject request.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRequestView {
    pub id: String,
    pub record_id: String,
    pub kind: String,
    pub requester: String,
    pub details: String,
    pub registered_authority: String,
    pub originator: String,
    pub received_at: String,
    pub deadline: String,
    /// open, granted or refused.
    pub status: String,
    pub overdue: bool,
    pub decision: Option<String>,
    pub reply: Option<String>,
    pub decided_at: Option<String>,
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

/// An attachment to send, its bytes in base64.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentNew {
    pub filename: String,
    /// One of application/pdf, image/png, image/jpeg, text/plain, text/csv, application/json; checked against the bytes.
    pub content_type: String,
    /// The file, base64 (standard alphabet, padded).
    pub content_base64: String,
}

/// A new message or request, or a reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageNew {
    /// `message` or `request`.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// `routine`, `priority`, `urgent` or `flash`.
    #[serde(default = "default_priority")]
    pub priority: String,
    pub subject: String,
    pub body: String,
    /// Authority ids, or `state:CODE`. A reply without recipients goes to the originator.
    #[serde(default)]
    pub recipients: Vec<String>,
    pub handling: HandlingView,
    /// Requests: the answer deadline, RFC 3339.
    pub deadline: Option<String>,
    /// Record ids of the shared database.
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentNew>,
}

fn default_kind() -> String {
    "message".into()
}
fn default_priority() -> String {
    "routine".into()
}

/// An attachment on a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Where a message stands for one addressee.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    pub recipient: String,
    /// `sent`, `delivered`, `acknowledged` or `answered`.
    pub delivery: String,
    pub delivered_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub answered_at: Option<String>,
    pub overdue: bool,
    pub forward_id: Option<String>,
}

/// A message as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    pub thread_id: String,
    pub parent_id: Option<String>,
    pub kind: String,
    pub priority: String,
    pub subject: String,
    pub body: String,
    pub sender: String,
    pub originator: String,
    pub originator_state: Option<String>,
    pub handling: HandlingView,
    pub deadline: Option<String>,
    pub created_at: String,
    pub receipts: Vec<ReceiptView>,
    /// Linked records the caller may read.
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentView>,
}

/// A page of messages; pass `next` as `before` for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageView>,
    pub next: Option<String>,
}

/// Forward a message to more addressees.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardNew {
    pub recipients: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// A forward request waiting for (or decided by) the originator.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardRequestView {
    pub id: String,
    pub message_id: String,
    pub originator: String,
    pub requester_authority: String,
    pub recipients: Vec<String>,
    pub note: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
}

/// The result of a forward: sent at once, or waiting for consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardResult {
    /// `sent` or `awaiting-consent`.
    pub outcome: String,
    pub message: Option<MessageView>,
    pub request: Option<ForwardRequestView>,
}

/// The originator's decision on a forward request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardDecision {
    pub grant: bool,
    #[serde(default)]
    pub reason: String,
}

/// A notice to act.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub text: String,
    pub created_at: String,
}

/// The unified criteria of a designation proposal.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaView {
    /// `terrorism`, `separatism` or `extremism`, in the conventions' terms.
    pub act_kind: Option<String>,
    /// The acts themselves.
    pub acts: String,
    /// When they took place.
    pub when: String,
    /// Where they took place.
    pub place: String,
    /// How they are attributed to the organization.
    pub attribution: String,
}

/// A proposal to list or delist an organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalNew {
    /// `listing` or `delisting`.
    pub direction: String,
    /// The organization's record: approved, distributed to all members.
    /// Leave out when `organization` creates the record with the proposal.
    #[serde(default)]
    pub record_id: String,
    /// A new organization, created with the proposal in the same
    /// transaction (distribution all-members). It needs its own compliance
    /// approval at home before the regional review can pass the proposal.
    #[serde(default)]
    pub organization: Option<RecordRequest>,
    /// Registry instrument id.
    pub instrument: String,
    /// An article of that instrument.
    pub article: String,
    /// The acts the proposal rests on.
    pub evidence: String,
    pub criteria: CriteriaView,
}

/// A member's position.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionView {
    pub state: String,
    /// `accept`, `object` or `silent` (counted as acceptance).
    pub position: String,
    pub reasons: String,
    pub at: String,
}

/// One step of a workflow's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub authority: String,
    pub action: String,
    /// The stage after this step.
    pub stage: String,
    pub detail: String,
}

/// A designation proposal with its positions and timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: String,
    pub direction: String,
    pub record_id: String,
    pub organization: String,
    pub proposer_state: String,
    pub proposer_authority: String,
    pub instrument: String,
    pub article: String,
    pub evidence: String,
    pub criteria: CriteriaView,
    /// `compliance-review`, `returned`, `silence-period`, `adopted`, `blocked` or `withdrawn`.
    pub stage: String,
    pub electorate: Vec<String>,
    pub positions: Vec<PositionView>,
    pub silence_ends: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub timeline: Vec<TimelineView>,
}

/// The regional structure's compliance decision on a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalReview {
    pub pass: bool,
    pub checklist: ChecklistView,
    #[serde(default)]
    pub reasons: String,
}

/// A state's position in the silence period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteNew {
    /// `accept` or `object` (objections need reasons).
    pub position: String,
    #[serde(default)]
    pub reasons: String,
}

/// Resubmitting or withdrawing, by the proposer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposerStep {
    #[serde(default)]
    pub note: String,
}

/// An organization on the common list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListEntryView {
    pub record_id: String,
    pub organization: String,
    pub designation_id: String,
    pub listed_at: String,
    /// Every step of every proposal about it.
    pub history: Vec<HistoryView>,
}

/// A step of one of the proposals about a listed organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub proposal_id: String,
    pub step: TimelineView,
}

/// An organization, by record id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRef {
    pub record_id: String,
    pub organization: String,
}

/// Add to (with `listed_on`) or remove from (without) the caller's national list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalEntryNew {
    pub record_id: String,
    /// YYYY-MM-DD; leave out to remove the entry.
    pub listed_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// An organization on a national list.
#[derive(Debug, Serialize, ToSchema)]
pub struct NationalEntryView {
    pub state: String,
    pub record_id: String,
    pub organization: String,
    pub listed_on: String,
    pub note: String,
}

/// Where a national list and the common list differ.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListDifferenceView {
    pub state: String,
    pub only_common: Vec<OrganizationRef>,
    pub only_national: Vec<OrganizationRef>,
}

/// A situation summary: proposing, or seconding, an emergency consultation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationProposal {
    pub summary: String,
}

/// A consultation's agenda.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaNew {
    pub agenda: String,
}

/// A new version of the joint statement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementNew {
    pub text: String,
}

/// A member's answer to a statement version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictNew {
    /// `approve` or `changes-requested` (with the changes in `reasons`).
    pub verdict: String,
    #[serde(default)]
    pub reasons: String,
}

/// A proposing state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposerView {
    pub state: String,
    pub at: String,
}

/// A version of the joint statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementView {
    pub version: i64,
    pub text: String,
    pub state: String,
    pub at: String,
}

/// A member's answer to a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictView {
    pub version: i64,
    pub state: String,
    pub verdict: String,
    pub reasons: String,
    pub at: String,
}

/// One step of a consultation's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationStepView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub statement_version: Option<i64>,
    pub detail: String,
}

/// An emergency consultation with its whole timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationView {
    pub id: String,
    /// `proposed`, `lapsed`, `convened` or `adopted`.
    pub stage: String,
    pub summary: String,
    pub window_ends: String,
    pub members: Vec<String>,
    pub meeting_at: Option<String>,
    pub agenda: String,
    /// The current statement version (0: none yet).
    pub version: i64,
    pub proposals: Vec<ProposerView>,
    pub statements: Vec<StatementView>,
    pub verdicts: Vec<VerdictView>,
    /// The adopted and published statement.
    pub adopted_statement: Option<StatementView>,
    pub timeline: Vec<ConsultationStepView>,
    pub created_at: String,
    pub updated_at: String,
}

/// Where a state's notifications are posted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookNew {
    /// `http://` (or `https://` through a TLS gateway) URL of the receiver.
    pub url: String,
    /// Signs each delivery (`X-Concord-Signature: sha256=HMAC`); at least 16 characters.
    pub secret: String,
}

/// A state's webhook and how its deliveries go.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// A state code, or `structure`.
    pub owner: String,
    pub url: String,
    /// Notifications delivered so far.
    pub delivered: i64,
    /// Failed attempts since the last success.
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub updated_at: String,
}
