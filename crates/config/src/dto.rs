//! The files' shapes, as written. Values that validation reports on keep
//! their position in the file.

use serde::Deserialize;
use toml::Spanned;

pub type S = Spanned<String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesDto {
    pub en: String,
    pub ru: Option<String>,
    pub zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFile {
    pub organization: OrganizationDto,
    /// The yearly rotation of the chairmanship.
    pub chairmanship: Option<ChairmanshipDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChairmanshipDto {
    pub order: Spanned<Vec<S>>,
    pub first_year: Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationDto {
    pub name: NamesDto,
    pub review_grace_days: Option<Spanned<i64>>,
    pub silence_period_days: Option<Spanned<i64>>,
    pub consultation_window_hours: Option<Spanned<i64>>,
    pub consultation_meeting_delay_hours: Option<Spanned<i64>>,
    pub consultation_proposer: Option<Spanned<String>>,
    pub precursor_authority: Option<Spanned<String>>,
    pub precursor_reply_days: Option<Spanned<i64>>,
    pub legal_assistance_authority: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatesFile {
    #[serde(default)]
    pub state: Vec<StateDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateDto {
    pub code: S,
    pub name: NamesDto,
    pub membership: Spanned<Vec<MembershipDto>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipDto {
    pub since: S,
    pub status: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthoritiesFile {
    #[serde(default)]
    pub authority: Vec<AuthorityDto>,
    /// Direct channels for legal assistance between border-area offices.
    #[serde(default)]
    pub direct_legal_assistance: Vec<ChannelDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelDto {
    pub between: Spanned<Vec<S>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityDto {
    pub id: S,
    pub state: Option<S>,
    pub kind: S,
    pub name: NamesDto,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodiesFile {
    #[serde(default)]
    pub body: Vec<BodyDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyDto {
    pub id: S,
    pub kind: S,
    pub name: NamesDto,
    pub parent: Option<S>,
    pub level: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentsFile {
    #[serde(default)]
    pub instrument: Vec<InstrumentDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentDto {
    pub id: S,
    pub kind: S,
    pub title: NamesDto,
    pub adopted: S,
    #[serde(default)]
    pub articles: Vec<ArticleDto>,
    #[serde(default)]
    pub parties: Vec<PartyDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleDto {
    pub number: S,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDto {
    pub state: S,
    pub signed: S,
    pub ratified: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecursorsFile {
    #[serde(default)]
    pub substance: Vec<SubstanceDto>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstanceDto {
    pub id: S,
    pub name: NamesDto,
    pub cas: S,
    pub table: S,
    pub measure: S,
}
