import Fluent
import RectifyCore

/// 反馈问题: a numbered problem of the feedback report.
final class Problem: Model, @unchecked Sendable {
    static let schema = "problems"

    @ID(custom: .id) var id: Int?
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "number") var number: Int
    @Field(key: "aspect") var aspect: String
    @Field(key: "text") var text: String

    init() {}

    init(inspectionID: Int, _ d: ProblemDraft) {
        self.$inspection.id = inspectionID
        self.number = d.number
        self.aspect = d.aspect
        self.text = d.text
    }

    /// 三十七 for 37, as reports number problems.
    var numeral: String { ChineseNumeral.string(number) ?? String(number) }
}

/// The regions a problem concerns.
final class ProblemRegion: Model, @unchecked Sendable {
    static let schema = "problem_regions"

    @ID(custom: .id) var id: Int?
    @Parent(key: "problem_id") var problem: Problem
    @Parent(key: "region_code") var region: Region

    init() {}

    init(problemID: Int, regionCode: Int) {
        self.$problem.id = problemID
        self.$region.id = regionCode
    }
}
