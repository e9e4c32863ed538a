import Fluent
import RectifyCore

/// 行政区划, keyed by its GB/T 2260 code.
final class Region: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(custom: "code", generatedBy: .user) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: RegionLevel
    @OptionalParent(key: "parent_code") var parent: Region?

    init() {}

    init(code: Int, name: String, level: RegionLevel, parentCode: Int?) {
        self.id = code
        self.name = name
        self.level = level
        self.$parent.id = parentCode
    }
}
