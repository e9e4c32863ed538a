import Fluent
import Foundation
import RectifyCore

/// 交办批次: the cases an inspection team handed over on one day, with a reply-by date.
final class PetitionBatch: Model, @unchecked Sendable {
    static let schema = "petition_batches"

    @ID(custom: .id) var id: Int?
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "number") var number: Int
    @Field(key: "handed_over_on") var handedOverOn: String
    @Field(key: "reply_by") var replyBy: String
    @Field(key: "team") var team: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// 信访举报件. The complainant's particulars are fields of the case; `PetitionAccess`
/// says who may see them.
final class PetitionCase: Model, @unchecked Sendable {
    static let schema = "petition_cases"

    @ID(custom: .id) var id: Int?
    @Parent(key: "batch_id") var batch: PetitionBatch
    @Field(key: "case_number") var caseNumber: String
    @Field(key: "source") var source: PetitionSource
    @Field(key: "place") var place: String
    @Field(key: "place_key") var placeKey: String
    @Field(key: "region_code") var regionCode: Int
    @Field(key: "complaint") var complaint: String
    @Field(key: "pollution_kinds") var pollutionKindsText: String
    @Field(key: "key_case") var keyCase: Bool
    @Field(key: "due_date") var dueDate: String
    @Field(key: "status") var status: PetitionStatus
    @OptionalField(key: "finding") var finding: PetitionFinding?
    @Field(key: "findings") var findings: String
    @Field(key: "measures") var measures: String
    @Field(key: "fine_yuan") var fineYuan: Int
    @Field(key: "fined_companies") var finedCompanies: Int
    @Field(key: "detained") var detained: Int
    @Field(key: "summoned") var summoned: Int
    @Field(key: "held_to_account") var heldToAccount: Int
    /// 责令整改: the units ordered the party complained of to put it right.
    @Field(key: "ordered_rectification") var orderedRectification: Bool
    /// When the handling was last reported: a dispatch round counts the cases it heard of.
    @OptionalField(key: "progressed_at") var progressedAt: Date?
    @OptionalField(key: "stage_concluded_on") var stageConcludedOn: String?
    @OptionalField(key: "concluded_on") var concludedOn: String?
    @OptionalField(key: "follow_up") var followUp: FollowUp?
    @OptionalParent(key: "task_id") var task: TaskRecord?
    @Field(key: "complainant_name") var complainantName: String
    @Field(key: "complainant_phone") var complainantPhone: String
    @Field(key: "complainant_id_number") var complainantIDNumber: String
    @Field(key: "complainant_address") var complainantAddress: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var pollutionKinds: [PollutionKind] {
        get { pollutionKindsText.split(separator: ",").compactMap { PollutionKind(rawValue: String($0)) } }
        set { pollutionKindsText = PollutionKind.allCases.filter(newValue.contains).map(\.rawValue).joined(separator: ",") }
    }
}

final class PetitionCaseUnit: Model, @unchecked Sendable {
    static let schema = "petition_case_units"

    @ID(custom: .id) var id: Int?
    @Parent(key: "case_id") var petitionCase: PetitionCase
    @Parent(key: "unit_id") var unit: Unit

    init() {}

    init(caseID: Int, unitID: Int) {
        self.$petitionCase.id = caseID
        self.$unit.id = unitID
    }
}

/// What the audit trail keeps of a case: never the complainant's particulars.
struct PetitionSnapshot: Codable {
    let caseNumber: String
    let status: String
    let finding: String?
    let findings: String
    let measures: String
    let fineYuan: Int
    let finedCompanies: Int
    let detained: Int
    let summoned: Int
    let heldToAccount: Int
    let orderedRectification: Bool
    let followUp: String?
    let taskID: Int?

    init(_ c: PetitionCase) {
        caseNumber = c.caseNumber
        status = c.status.rawValue
        finding = c.finding?.rawValue
        findings = c.findings
        measures = c.measures
        fineYuan = c.fineYuan
        finedCompanies = c.finedCompanies
        detained = c.detained
        summoned = c.summoned
        heldToAccount = c.heldToAccount
        orderedRectification = c.orderedRectification
        followUp = c.followUp?.rawValue
        taskID = c.$task.id
    }
}
