/// How a problem of one inspection relates to a problem an earlier inspection found
/// (issue 14 §4): the same problem found again (a provincial inspection or a city's own
/// finding what the central round found), or a look-back (回头看) finding that the earlier
/// problem's rectification fell short (整改不到位).
public enum ProblemLinkKind: String, Labelled {
    case same, notRectified
    public var label: String {
        switch self {
        case .same: "同一问题"
        case .notRectified: "整改不到位"
        }
    }
}

/// What a report says about an inspection's problems that earlier inspections found.
public struct LineageFigures: Sendable, Equatable, Codable {
    /// Problems of the inspection in all.
    public let problems: Int
    /// Of those, problems linked to an earlier inspection's problem as the same problem.
    public let same: Int
    /// Of those, problems a look-back found not rectified.
    public let notRectified: Int

    public init(problems: Int, same: Int, notRectified: Int) {
        self.problems = problems
        self.same = same
        self.notRectified = notRectified
    }

    /// 反馈的9个问题中,5个为此前督察已指出的问题,1个为整改不到位问题。 Empty when no problem is linked.
    public var sentence: String {
        guard same + notRectified > 0 else { return "" }
        var parts: [String] = []
        if same > 0 { parts.append("\(same)个为此前督察已指出的问题") }
        if notRectified > 0 { parts.append("\(notRectified)个为回头看发现的整改不到位问题") }
        return "反馈的\(problems)个问题中," + parts.joined(separator: ",") + "。"
    }
}
