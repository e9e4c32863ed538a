import Fluent
import RectifyCore

/// 单位: a department, government, party committee or enterprise in the region tree.
final class Unit: Model, @unchecked Sendable {
    static let schema = "units"

    @ID(custom: .id) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: UnitKind
    @Parent(key: "region_code") var region: Region
    @OptionalParent(key: "parent_unit_id") var parentUnit: Unit?

    init() {}

    init(_ draft: UnitDraft) {
        self.name = draft.name
        self.kind = draft.kind
        self.$region.id = draft.regionCode
        self.$parentUnit.id = draft.parentUnitID
    }

}
