import RectifyCore

/// The shapes the demo catalogue is written in. Units are named, not numbered, so
/// the catalogue reads like the reports it comes from.
struct DemoUnit {
    let name: String
    let kind: UnitKind
    let region: Int
}

struct DemoUser {
    let login: String
    let password: String
    let displayName: String
    let unit: String?
    let roles: Set<Role>
}

struct DemoTask {
    var number: Int
    var title: String
    var target = ""
    var measures = ""
    var kind: TaskKind
    var deadline: LocalDate?
    var leadOfficial = ""
    var problems: [Int] = []
    var responsible: [String]
    var cooperating: [String] = []
    var supervising: [String] = []
    var acceptance: [String] = []
    var tags: [DomainTag] = []
    var typical = false
    var status: PublicStatus?
    var state: TaskState
    var milestones: [Milestone] = []
    var remarks = ""
}

struct DemoInspection {
    let draft: InspectionDraft
    let problems: [ProblemDraft]
    let tasks: [DemoTask]
}

/// Text quoted from seed 004, extracted by scripts/extract-demo-text.py.
struct DemoSeedText: Decodable {
    struct Entry: Decodable {
        let number: Int
        let text: String
        let statusText: String
        let measures: String
        let aspect: String?
    }
    let source: String
    let shanxi: [Entry]
    let liaoning: [Entry]
}

func day(_ iso: String) -> LocalDate {
    guard let d = LocalDate(iso: iso) else { preconditionFailure("bad demo date \(iso)") }
    return d
}

/// Said in every record whose content the seeds do not give.
enum DemoNote {
    static let placeholderText = "演示数据占位:种子报告未列出本项任务的原文。"
    static let placeholderTerms = "演示数据:整改时限、单位分工为示例,原文未载明。"
    /// For a task whose seed gives only counts: its name and content are written from the report.
    static let writtenFromReport = "演示数据:任务名称、目标和措施据种子报告的整改进展叙述拟写,并非官方任务清单原文。"
}
