//! The closed vocabularies of the incentive rules: what a project's QIP status can be, the SME
//! size classes, the customs exemptions and the registration bodies.

/// Whether a project can be a Qualified Investment Project (QIP), and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QipStatus {
    /// In a tax-exemption group, not on the negative list, at or above the minimum investment.
    Eligible,
    /// In a group but the investment is below the group activity's minimum.
    BelowMinimum,
    /// In a group; eligibility depends on an investment amount that was not given.
    InvestmentUnknown,
    /// On the negative list (Sub-Decree 139, Annex 1, Part 1): never a QIP.
    NegativeList,
    /// In no group and not on the negative list: possibly eligible, the CDC decides.
    AskCdc,
}

/// Size classes of the SME scheme (Sub-Decree 124), by staff count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmeSize {
    Small,
    Medium,
}

impl SmeSize {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SMALL" => Some(SmeSize::Small),
            "MEDIUM" => Some(SmeSize::Medium),
            _ => None,
        }
    }
}

/// What a QIP may import free of customs duty, special tax and VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomsItem {
    ProductionEquipment,
    ConstructionMaterials,
    ProductionInputs,
}

impl CustomsItem {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PRODUCTION_EQUIPMENT" => Some(CustomsItem::ProductionEquipment),
            "CONSTRUCTION_MATERIALS" => Some(CustomsItem::ConstructionMaterials),
            "PRODUCTION_INPUTS" => Some(CustomsItem::ProductionInputs),
            _ => None,
        }
    }
}

/// Which customs list applies to a QIP: the law distinguishes export-oriented (and supporting-
/// industry) projects from domestic-oriented ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomsScope {
    ExportOriented,
    DomesticOriented,
}

/// Where a project registers: the Provincial/Municipal Investment Sub-Committee below the
/// threshold, the Council for the Development of Cambodia from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationBody {
    Pmis,
    Cdc,
}
