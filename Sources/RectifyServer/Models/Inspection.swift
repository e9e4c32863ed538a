import Fluent
import Foundation
import RectifyCore

/// 督察: one inspection of a region by a team. Dates are stored as YYYY-MM-DD text.
final class Inspection: Model, @unchecked Sendable {
    static let schema = "inspections"

    @ID(custom: .id) var id: Int?
    @Field(key: "title") var title: String
    @Field(key: "level") var level: InspectionLevel
    @OptionalField(key: "round") var round: Int?
    @Field(key: "kind") var kind: InspectionKind
    @Field(key: "team") var team: String
    @Parent(key: "target_region_code") var targetRegion: Region
    @OptionalField(key: "stationed_from") var stationedFrom: String?
    @OptionalField(key: "stationed_until") var stationedUntil: String?
    @OptionalField(key: "feedback_date") var feedbackDate: String?
    @OptionalField(key: "plan_approved_date") var planApprovedDate: String?
    /// 逐级验收 (migration 022): `AcceptanceChain` as JSON; "[]" for one step.
    @Field(key: "acceptance_chain") var acceptanceChain: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(_ d: InspectionDraft) {
        self.title = d.title
        self.level = d.level
        self.round = d.round
        self.kind = d.kind
        self.team = d.team
        self.$targetRegion.id = d.targetRegionCode
        self.stationedFrom = d.stationedFrom?.iso
        self.stationedUntil = d.stationedUntil?.iso
        self.feedbackDate = d.feedbackDate?.iso
        self.planApprovedDate = d.planApprovedDate?.iso
        self.acceptanceChain = "[]"
    }

}
