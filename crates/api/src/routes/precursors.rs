//! Precursor control: the substance catalogue, declared annual requirements,
//! pre-export notifications with their trail, incidents, and the flows
//! report. Quantities travel as grams or millilitres (`quantity`) with a
//! readable text (`quantity_text`).

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{field, handling_text};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_app::text::{IncidentText, NotificationText, TransitText};
use concord_domain::Registry;
use concord_domain::precursor::{self as rules, Incident, PreExportNotification, Requirement};
use concord_domain::workflow::pre_export::{Stage, Step};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "precursor control";

/// A controlled substance of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstanceView {
    pub id: String,
    pub name_en: String,
    pub name_ru: Option<String>,
    pub name_zh: Option<String>,
    pub cas: String,
    /// The 1988 Convention's table, `I` or `II`.
    pub table: String,
    /// `mass` (kept in grams) or `volume` (kept in millilitres).
    pub measure: String,
    /// The units a quantity of it may be written in.
    pub units: Vec<String>,
}

/// A state's declared annual legitimate requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementView {
    pub state: String,
    pub substance: String,
    pub year: i32,
    /// Grams or millilitres.
    pub quantity: i64,
    pub quantity_text: String,
    pub declared_by: String,
    pub declared_at: String,
}

/// A requirement to declare for the caller's state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementNew {
    pub substance: String,
    pub year: i32,
    /// The amount, a decimal number.
    pub quantity: String,
    /// One of the substance's units (`kg`, `t`, `l`...).
    pub unit: String,
}

/// A transit state and where the consignment enters it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitView {
    pub state: String,
    pub point_of_entry: String,
}

/// The handling code of a notification or incident: the distribution is
/// set from the route and may be left out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutedHandling {
    /// Ignored on a notification (its route's states); for an incident not
    /// linked to a notification, as on a record.
    #[serde(default)]
    pub distribution: String,
    /// `free` or `originator-consent`.
    pub dissemination: String,
    /// `intelligence-only` or `evidence`.
    #[serde(rename = "use")]
    pub use_: String,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

impl RoutedHandling {
    fn text(&self) -> concord_app::text::HandlingText {
        handling_text(&HandlingView {
            distribution: self.distribution.clone(),
            dissemination: self.dissemination.clone(),
            use_: self.use_.clone(),
            classification: self.classification.clone(),
        })
    }
}

/// A pre-export notification from the caller's state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationNew {
    pub importing_state: String,
    pub exporter: String,
    pub importer: String,
    #[serde(default)]
    pub consignee: String,
    pub substance: String,
    /// The amount, a decimal number.
    pub quantity: String,
    pub unit: String,
    /// Transit states in route order.
    #[serde(default)]
    pub transit: Vec<TransitView>,
    /// Where the consignment enters the importing state.
    pub point_of_entry: String,
    /// YYYY-MM-DD, not past.
    pub planned_export: String,
    pub handling: RoutedHandling,
}

/// The check against the importer's declared requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    /// The importer's declared requirement for the year, if any.
    pub declared: Option<i64>,
    /// Notified to the importer this year before this notification.
    pub notified_before: i64,
    /// By how much this notification takes the year's total past the declaration.
    pub excess: Option<i64>,
    /// No declaration, or an excess: the importer decides knowing it.
    pub flagged: bool,
}

/// A step of a notification's trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationStepView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A pre-export notification as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub originator: String,
    pub exporting_state: String,
    pub importing_state: String,
    pub exporter: String,
    pub importer: String,
    pub consignee: String,
    pub substance: String,
    /// Grams or millilitres.
    pub quantity: i64,
    pub quantity_text: String,
    pub transit: Vec<TransitView>,
    pub point_of_entry: String,
    pub planned_export: String,
    pub deadline: String,
    /// notified, confirmed, objected, withdrawn, shipped, received or stopped.
    pub stage: String,
    pub handling: HandlingView,
    pub assessment: AssessmentView,
    pub overdue_flagged: bool,
    pub timeline: Vec<NotificationStepView>,
    /// Incidents about it the caller may see.
    pub incidents: Vec<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A step on a notification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationStepNew {
    /// confirm, object, withdraw, ship, receive or stop.
    pub step: String,
    /// Needed to object or stop.
    #[serde(default)]
    pub reason: String,
    /// The version answered; a stale one is a 409.
    pub version: i64,
    /// With `object`: raise an incident of this kind in the same step
    /// (`stopped-shipment`, `suspicious-order` or `seizure`).
    pub incident: Option<String>,
}

/// An incident to report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentNew {
    /// seizure, stopped-shipment or suspicious-order.
    pub kind: String,
    /// YYYY-MM-DD, not in the future.
    pub occurred_on: String,
    pub place: String,
    pub description: String,
    pub substance: Option<String>,
    pub quantity: Option<String>,
    pub unit: Option<String>,
    /// A notification the caller may read.
    pub notification: Option<String>,
    /// Records the caller may read.
    #[serde(default)]
    pub records: Vec<String>,
    /// Messages the caller may read.
    #[serde(default)]
    pub messages: Vec<String>,
    pub handling: RoutedHandling,
}

/// An incident as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    pub id: String,
    pub originator: String,
    pub originator_state: Option<String>,
    pub kind: String,
    pub occurred_on: String,
    pub place: String,
    pub description: String,
    pub substance: Option<String>,
    pub quantity: Option<i64>,
    pub quantity_text: Option<String>,
    pub notification: Option<String>,
    /// Links the caller may follow.
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub handling: HandlingView,
    pub created_at: String,
}

/// One line of the flows report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowView {
    pub substance: String,
    pub exporting_state: String,
    pub importing_state: String,
    /// By stage: how many notifications, and their total in grams (millilitres).
    pub by_stage: Vec<FlowStageView>,
}

/// Notifications of one stage in a flow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowStageView {
    pub stage: String,
    pub notifications: usize,
    pub quantity: i64,
    pub quantity_text: String,
}

fn requirement_view(r: &Requirement, registry: &Registry) -> RequirementView {
    RequirementView {
        state: r.state.to_string(),
        substance: r.substance.clone(),
        year: r.year,
        quantity: r.quantity,
        quantity_text: rules::quantity_text(registry, &r.substance, r.quantity),
        declared_by: r.declared_by.clone(),
        declared_at: r.declared_at.clone(),
    }
}

fn notification_view(n: &PreExportNotification, registry: &Registry) -> NotificationView {
    let a = &n.assessment;
    NotificationView {
        id: n.id.clone(),
        originator: n.originator.to_string(),
        exporting_state: n.exporting_state.to_string(),
        importing_state: n.importing_state.to_string(),
        exporter: n.exporter.clone(),
        importer: n.importer.clone(),
        consignee: n.consignee.clone(),
        substance: n.substance.clone(),
        quantity: n.quantity,
        quantity_text: rules::quantity_text(registry, &n.substance, n.quantity),
        transit: n
            .transit
            .iter()
            .map(|t| TransitView {
                state: t.state.to_string(),
                point_of_entry: t.point_of_entry.clone(),
            })
            .collect(),
        point_of_entry: n.point_of_entry.clone(),
        planned_export: n.planned_export.to_string(),
        deadline: n.deadline.clone(),
        stage: n.stage.to_string(),
        handling: HandlingView::from(&n.handling),
        assessment: AssessmentView {
            declared: a.declared,
            notified_before: a.notified_before,
            excess: a.excess(),
            flagged: a.flagged(),
        },
        overdue_flagged: n.overdue_flagged,
        timeline: n
            .timeline
            .iter()
            .map(|t| NotificationStepView {
                seq: t.seq,
                at: t.at.clone(),
                actor: t.actor.clone(),
                state: t.state.clone(),
                action: t.action.clone(),
                detail: t.detail.clone(),
            })
            .collect(),
        incidents: n.incidents.clone(),
        version: n.version,
        created_at: n.created_at.clone(),
        updated_at: n.updated_at.clone(),
    }
}

fn incident_view(i: &Incident, registry: &Registry) -> IncidentView {
    IncidentView {
        id: i.id.clone(),
        originator: i.originator.to_string(),
        originator_state: i.originator_state.as_ref().map(|s| s.to_string()),
        kind: i.kind.to_string(),
        occurred_on: i.occurred_on.to_string(),
        place: i.place.clone(),
        description: i.description.clone(),
        substance: i.substance.clone(),
        quantity: i.quantity,
        quantity_text: i
            .quantity
            .zip(i.substance.as_ref())
            .map(|(q, s)| rules::quantity_text(registry, s, q)),
        notification: i.notification.clone(),
        records: i.records.clone(),
        messages: i.messages.clone(),
        handling: HandlingView::from(&i.handling),
        created_at: i.created_at.clone(),
    }
}

/// The substance catalogue.
#[utoipa::path(get, path = "/api/v1/precursors/substances", tag = TAG,
    responses((status = 200, body = [SubstanceView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn substances(State(s): State<AppState>, _caller: Caller) -> axum::Json<Vec<SubstanceView>> {
    let snap = s.store.snapshot();
    axum::Json(
        snap.registry
            .substances
            .values()
            .map(|x| SubstanceView {
                id: x.id.clone(),
                name_en: x.name.en.clone(),
                name_ru: x.name.ru.clone(),
                name_zh: x.name.zh.clone(),
                cas: x.cas.clone(),
                table: x.table.clone(),
                measure: x.measure.to_string(),
                units: rules::units(x.measure).into_iter().map(str::to_owned).collect(),
            })
            .collect(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Default: this year.
    year: Option<i32>,
}

/// Every state's declared requirements for a year.
#[utoipa::path(get, path = "/api/v1/precursors/requirements", tag = TAG, params(YearQuery),
    responses((status = 200, body = [RequirementView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn requirements(
    State(s): State<AppState>,
    _caller: Caller,
    Query(q): Query<YearQuery>,
) -> Result<axum::Json<Vec<RequirementView>>, ApiError> {
    let year = q.year.unwrap_or_else(|| s.store.clock().today().year());
    let rs = concord_app::precursors::requirements(&s.store, year).await?;
    let snap = s.store.snapshot();
    Ok(axum::Json(
        rs.iter().map(|r| requirement_view(r, &snap.registry)).collect(),
    ))
}

/// Declares (or replaces) the caller's state's requirement of a substance
/// for a year; for the state's precursor authority.
#[utoipa::path(put, path = "/api/v1/precursors/requirements", tag = TAG, request_body = RequirementNew,
    responses((status = 200, body = RequirementView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn declare(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<RequirementNew>,
) -> Result<axum::Json<RequirementView>, ApiError> {
    let r = concord_app::precursors::declare_requirement(
        &s.store,
        &caller.ctx(),
        &req.substance,
        req.year,
        &req.quantity,
        &req.unit,
    )
    .await?;
    Ok(axum::Json(requirement_view(&r, &s.store.snapshot().registry)))
}

/// The exporting state's precursor authority notifies an export: the
/// importer must reply by the deadline, the transit states are told, and
/// the quantity is checked against the importer's declared requirement.
#[utoipa::path(post, path = "/api/v1/precursors/notifications", tag = TAG, request_body = NotificationNew,
    responses((status = 201, body = NotificationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn notify(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<NotificationNew>,
) -> Result<(StatusCode, axum::Json<NotificationView>), ApiError> {
    let input = concord_app::text::notification_input(&NotificationText {
        importing_state: req.importing_state,
        exporter: req.exporter,
        importer: req.importer,
        consignee: req.consignee,
        substance: req.substance,
        quantity: req.quantity,
        unit: req.unit,
        transit: req
            .transit
            .into_iter()
            .map(|t| TransitText {
                state: t.state,
                point_of_entry: t.point_of_entry,
            })
            .collect(),
        point_of_entry: req.point_of_entry,
        planned_export: req.planned_export,
        handling: req.handling.text(),
    })?;
    let n = concord_app::precursors::notify(&s.store, &caller.ctx(), input).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(notification_view(&n, &s.store.snapshot().registry)),
    ))
}

/// What a batch import wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationImportView {
    /// The notifications' ids, in the file's order.
    pub ids: Vec<String>,
}

/// The largest CSV batch, in bytes.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// Imports a CSV batch of notifications from the caller's state, all or
/// none: a fault on any line refuses the file, naming the line and field.
/// The columns are `concord_exchange::precursor_csv`'s.
#[utoipa::path(post, path = "/api/v1/precursors/notifications/import", tag = TAG,
    request_body(content = String, description = "the CSV file", content_type = "text/csv"),
    responses((status = 201, body = NotificationImportView), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn import(
    State(s): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, axum::Json<NotificationImportView>), ApiError> {
    let ids = concord_app::precursors::import_csv(&s.store, &caller.ctx(), body.as_ref()).await?;
    Ok((StatusCode::CREATED, axum::Json(NotificationImportView { ids })))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only this stage.
    stage: Option<String>,
    /// Only notifications made in this year.
    year: Option<i32>,
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The notifications the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/precursors/notifications", tag = TAG, params(NotificationQuery),
    responses((status = 200, body = [NotificationView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<NotificationQuery>,
) -> Result<axum::Json<Vec<NotificationView>>, ApiError> {
    let stage = q.stage.as_deref().map(|t| field::<Stage>("stage", t)).transpose()?;
    let ns = concord_app::precursors::list(&s.store, &caller.ctx(), stage, q.year, q.limit.unwrap_or(100)).await?;
    let snap = s.store.snapshot();
    Ok(axum::Json(
        ns.iter().map(|n| notification_view(n, &snap.registry)).collect(),
    ))
}

/// One notification with its trail.
#[utoipa::path(get, path = "/api/v1/precursors/notifications/{id}", tag = TAG,
    params(("id" = String, Path, description = "notification id")),
    responses((status = 200, body = NotificationView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<NotificationView>, ApiError> {
    let n = concord_app::precursors::get(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(notification_view(&n, &s.store.snapshot().registry)))
}

/// A step by a state on the route: the importer confirms or objects (an
/// objection may raise an incident), the exporter withdraws or ships, the
/// importer receives, any state on the route stops the shipment.
#[utoipa::path(post, path = "/api/v1/precursors/notifications/{id}/steps", tag = TAG, request_body = NotificationStepNew,
    params(("id" = String, Path, description = "notification id")),
    responses((status = 200, body = NotificationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn step(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<NotificationStepNew>,
) -> Result<axum::Json<NotificationView>, ApiError> {
    let step = field::<Step>("step", &req.step)?;
    let kind = req
        .incident
        .as_deref()
        .filter(|k| !k.trim().is_empty())
        .map(|k| field("incident", k))
        .transpose()?;
    let ctx = caller.ctx();
    let n = match (step, kind) {
        (Step::Object, kind) => {
            concord_app::precursors::object(&s.store, &ctx, &id, &req.reason, req.version, kind)
                .await?
                .0
        }
        (_, Some(_)) => {
            return Err(concord_app::Refusal::invalid(
                "incident",
                "only an objection raises an incident in the same step",
            )
            .into());
        }
        (step, None) => concord_app::precursors::step(&s.store, &ctx, &id, step, &req.reason, req.version).await?,
    };
    Ok(axum::Json(notification_view(&n, &s.store.snapshot().registry)))
}

/// One answer of a batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerNew {
    pub id: String,
    /// confirm, object, withdraw, ship, receive or stop.
    pub step: String,
    #[serde(default)]
    pub reason: String,
    pub version: i64,
}

/// A batch of answers from the caller's agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersNew {
    pub answers: Vec<AnswerNew>,
}

/// A batch of steps from one agency (a national system answering many
/// notifications at once), judged one by one and written all or none; a
/// refusal names the answer at fault (`answers[3].version`).
#[utoipa::path(post, path = "/api/v1/precursors/notifications/answers", tag = TAG, request_body = AnswersNew,
    responses((status = 200, body = [NotificationView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answers(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<AnswersNew>,
) -> Result<axum::Json<Vec<NotificationView>>, ApiError> {
    let answers = req
        .answers
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(concord_app::precursors::Answer {
                step: field::<Step>(&format!("answers[{i}].step"), &a.step)?,
                id: a.id,
                reason: a.reason,
                version: a.version,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let ns = concord_app::precursors::answer_batch(&s.store, &caller.ctx(), &answers).await?;
    let snap = s.store.snapshot();
    Ok(axum::Json(
        ns.iter().map(|n| notification_view(n, &snap.registry)).collect(),
    ))
}

/// Reports a seizure, stopped shipment or suspicious order, linked to a
/// notification, records and messages the reporter may read.
#[utoipa::path(post, path = "/api/v1/precursors/incidents", tag = TAG, request_body = IncidentNew,
    responses((status = 201, body = IncidentView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<IncidentNew>,
) -> Result<(StatusCode, axum::Json<IncidentView>), ApiError> {
    let input = concord_app::text::incident_input(&IncidentText {
        handling: req.handling.text(),
        kind: req.kind,
        occurred_on: req.occurred_on,
        place: req.place,
        description: req.description,
        substance: req.substance,
        quantity: req.quantity,
        unit: req.unit,
        notification: req.notification,
        records: req.records,
        messages: req.messages,
    })?;
    let i = concord_app::precursors::report_incident(&s.store, &caller.ctx(), input).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(incident_view(&i, &s.store.snapshot().registry)),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LimitQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The incidents the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/precursors/incidents", tag = TAG, params(LimitQuery),
    responses((status = 200, body = [IncidentView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn incidents(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LimitQuery>,
) -> Result<axum::Json<Vec<IncidentView>>, ApiError> {
    let is = concord_app::precursors::incidents(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    let snap = s.store.snapshot();
    Ok(axum::Json(
        is.iter().map(|i| incident_view(i, &snap.registry)).collect(),
    ))
}

/// One incident.
#[utoipa::path(get, path = "/api/v1/precursors/incidents/{id}", tag = TAG,
    params(("id" = String, Path, description = "incident id")),
    responses((status = 200, body = IncidentView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn incident(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<IncidentView>, ApiError> {
    let i = concord_app::precursors::incident(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(incident_view(&i, &s.store.snapshot().registry)))
}

/// The year's flows per substance and pair of states, by stage, among the
/// notifications the caller may read.
#[utoipa::path(get, path = "/api/v1/precursors/flows", tag = TAG, params(YearQuery),
    responses((status = 200, body = [FlowView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn flows(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<YearQuery>,
) -> Result<axum::Json<Vec<FlowView>>, ApiError> {
    let year = q.year.unwrap_or_else(|| s.store.clock().today().year());
    let fs = concord_app::precursors::flows(&s.store, &caller.ctx(), year).await?;
    let snap = s.store.snapshot();
    Ok(axum::Json(
        fs.iter()
            .map(|f| FlowView {
                substance: f.substance.clone(),
                exporting_state: f.exporting_state.to_string(),
                importing_state: f.importing_state.to_string(),
                by_stage: f
                    .by_stage
                    .iter()
                    .map(|(stage, (count, total))| FlowStageView {
                        stage: stage.to_string(),
                        notifications: *count,
                        quantity: *total,
                        quantity_text: rules::quantity_text(&snap.registry, &f.substance, *total),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
