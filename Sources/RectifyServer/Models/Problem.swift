import Foundation
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

/// A problem found again (issue 14 §4): `problem` is the later inspection's, `earlier` the
/// earlier inspection's it repeats (同一问题) or shows not rectified (整改不到位).
final class ProblemLink: Model, @unchecked Sendable {
    static let schema = "problem_links"

    @ID(custom: .id) var id: Int?
    @Parent(key: "problem_id") var problem: Problem
    @Parent(key: "earlier_problem_id") var earlier: Problem
    @Field(key: "kind") var kind: ProblemLinkKind
    @Field(key: "note") var note: String
    @OptionalField(key: "created_by") var createdBy: Int?
    /// By the application's clock, as audit events are: a report as of a day counts the links made by then.
    @OptionalField(key: "created_at") var createdAt: Date?

    init() {}

    init(problemID: Int, earlierID: Int, kind: ProblemLinkKind, note: String, by userID: Int?, at: Date) {
        self.$problem.id = problemID
        self.$earlier.id = earlierID
        self.kind = kind
        self.note = note
        self.createdBy = userID
        self.createdAt = at
    }
}
