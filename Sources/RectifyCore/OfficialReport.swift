/// 整改落实情况报告 (issue 5 §1): the progress report an office publishes, in the
/// phrasing offices use (seed 004: “《整改方案》58项整改任务中,已有13项基本完成整改,
/// 38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度”).
public struct OfficialReport: Sendable, Equatable {
    public struct ProblemSection: Sendable, Equatable {
        public let number: Int
        public let text: String
        /// The status words of the problem (整改进展情况).
        public let statusWords: String
        /// The latest accepted progress narratives of its tasks.
        public let narratives: [String]

        public init(number: Int, text: String, statusWords: String, narratives: [String]) {
            self.number = number
            self.text = text
            self.statusWords = statusWords
            self.narratives = narratives
        }
    }

    public let title: String
    public let team: String
    public let regionName: String
    public let stationedFrom: LocalDate?
    public let stationedUntil: LocalDate?
    public let feedbackDate: LocalDate?
    /// “截至…” — the day, or the closed dispatch round, the figures stand for.
    public let asOf: String
    public let tasksTotal: Int
    public let counts: [PublicStatus: Int]
    public let problems: [ProblemSection]
    /// The petition cases handed over by the team, when there are any (issue 13 §5).
    public let petitions: PetitionFigures?
    /// How many of its problems earlier inspections found (issue 14 §4).
    public let lineage: LineageFigures?
    /// The approved plan's figures, when the inspection has one (issue 15 §1).
    public var plan: PlanFigures?
    /// 目标指标完成情况, one sentence per indicator (issue 15 §3).
    public var indicators: [String] = []

    public init(title: String, team: String, regionName: String, stationedFrom: LocalDate?, stationedUntil: LocalDate?,
                feedbackDate: LocalDate?, asOf: String, tasksTotal: Int, counts: [PublicStatus: Int], problems: [ProblemSection],
                petitions: PetitionFigures? = nil, lineage: LineageFigures? = nil) {
        self.title = title
        self.team = team
        self.regionName = regionName
        self.stationedFrom = stationedFrom
        self.stationedUntil = stationedUntil
        self.feedbackDate = feedbackDate
        self.asOf = asOf
        self.tasksTotal = tasksTotal
        self.counts = counts
        self.problems = problems
        self.petitions = petitions
        self.lineage = lineage
    }

    /// How each status is counted in the sentence, in the order reports name them.
    static let phrasing: [(PublicStatus, String)] = [
        (.completed, "完成整改"), (.basicallyCompleted, "基本完成整改"), (.onSchedule, "按照序时进度有序推进"),
        (.fullyImplemented, "全面实施"), (.inProgress, "正在推进整改"), (.behindSchedule, "尚未达到序时进度"),
    ]

    /// 《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,… — naming only non-zero parts.
    public static func countSentence(total: Int, counts: [PublicStatus: Int]) -> String {
        let parts = phrasing.compactMap { status, words -> String? in
            guard let n = counts[status], n > 0 else { return nil }
            return "\(n)项\(words)"
        }
        guard !parts.isEmpty else { return "《整改方案》\(total)项整改任务均已部署推进" }
        return "《整改方案》\(total)项整改任务中,已有" + parts.joined(separator: ",")
    }

    /// The opening paragraph: the inspection's facts, then the count sentence.
    public var opening: String {
        var facts = ""
        switch (stationedFrom, stationedUntil) {
        case let (from?, until?): facts = "\(from.chinese)至\(until.chinese),\(team)对\(regionName)开展了生态环境保护督察"
        case let (from?, nil): facts = "\(from.chinese)起,\(team)对\(regionName)开展了生态环境保护督察"
        default: facts = "\(team)对\(regionName)开展了生态环境保护督察"
        }
        if let feedback = feedbackDate { facts += ",并于\(feedback.chinese)反馈了督察意见" }
        return facts + "。截至\(asOf)," + (plan?.sentence ?? OfficialReport.countSentence(total: tasksTotal, counts: counts)) + "。"
            + (lineage?.sentence ?? "") + (petitions?.sentence ?? "")
    }

    /// 主要目标指标完成情况:… — nil without indicators.
    public var indicatorParagraph: String? {
        indicators.isEmpty ? nil : "主要目标指标完成情况:" + indicators.joined(separator: ";") + "。"
    }

    /// Plain text, as offices paste it into their own documents.
    public var text: String {
        var lines = ["关于\(title)整改落实情况的报告", "", opening, ""]
        if let p = indicatorParagraph { lines += [p, ""] }
        for p in problems {
            lines.append("\(ChineseNumeral.string(p.number) ?? String(p.number))、\(p.text)")
            lines.append("整改进展情况:\(p.statusWords)。")
            lines += p.narratives
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// A problem's status words from its tasks' statuses: the least advanced task decides.
    public static func statusWords(of statuses: [PublicStatus?], longTerm: Bool) -> String {
        let known = statuses.compactMap { $0 }
        guard !known.isEmpty else { return "正在推进整改" }
        let order: [PublicStatus] = [.behindSchedule, .inProgress, .onSchedule, .fullyImplemented, .basicallyCompleted, .completed]
        let least = order.first { known.contains($0) } ?? .inProgress
        return PublicStatusWords(status: least, longTerm: longTerm).text
    }
}
