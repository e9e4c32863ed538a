import Fluent
import Foundation
import RectifyCore

/// Province → city → county in the demo (issue 14): two of Liaoning's 2017 provincial
/// tasks split to 盘锦 and 葫芦岛, 盘锦's part split again to 盘山县; 盘锦's own inspection of
/// the same central round linked to the provincial problems. The seeds say the work was
/// split (“486项整改事项由14个市和36个部门认领”) but not how each task was, so every part
/// says it is a demo, and the parts take their parent's facts (deadline, milestones, status),
/// which keeps the report's 13 / 38 / 2 / 5 true. The living demo splits one ongoing task.
enum DemoLevels {
    /// The provincial tasks split: 30 滨海湿地修复和岸线整治 (coastal: both cities lie on the
    /// 辽东湾) and 47 城镇污水处理厂提标改造 (every city and county).
    static let splitTasks = [30, 47]
    static let note = "演示数据:按省级任务分解到市、县的示例;种子报告只载明整改事项由各市和省直部门认领,未列出分解内容。"

    struct Part {
        let region: String
        let responsible: String
        let acceptance: String
    }

    static let panjin = Part(region: "盘锦市", responsible: "盘锦市人民政府", acceptance: "盘锦市环境保护局")
    static let huludao = Part(region: "葫芦岛市", responsible: "葫芦岛市人民政府", acceptance: "葫芦岛市生态环境局")
    static let panshan = Part(region: "盘山县", responsible: DemoCatalog.panshanGovernment, acceptance: "盘锦市环境保护局")

    /// Returns how many tasks it added.
    static func load(on db: any Database, inspections: [String: Int], units: [String: Int]) async throws -> Int {
        guard let liaoning = inspections["第一轮中央环境保护督察(辽宁省)"],
              let panjinInspection = inspections["第一轮中央环境保护督察(盘锦市)"] else {
            throw StartupError("演示数据缺少辽宁省或盘锦市的督察")
        }
        let store = Store(db: db)
        var made = 0
        // The province's chain (the example): each task takes the levels its acceptance units are at.
        if let inspection = try await Inspection.find(liaoning, on: db) {
            inspection.acceptanceChain = AcceptanceChain.encode(DemoLive.chain)
            try await inspection.save(on: db)
        }
        func part(of parent: TaskRecord, _ p: Part) async throws -> TaskRecord {
            let parentID = try parent.requireID()
            guard let responsible = units[p.responsible], let acceptance = units[p.acceptance] else {
                throw StartupError("演示单位 \(p.responsible) 或 \(p.acceptance) 不在单位目录中")
            }
            let numbers = try await TaskRecord.query(on: db).filter(\.$inspection.$id == liaoning).all(\.$number)
            let milestones = try await TaskMilestone.query(on: db).filter(\.$task.$id == parentID).sort(\.$date).all()
                .compactMap { m in LocalDate(iso: m.date).map { Milestone(date: $0, description: m.description) } }
            let problems = try await TaskProblem.query(on: db).filter(\.$task.$id == parentID).all(\.$problem.$id)
            let tags = try await TaskTag.query(on: db).filter(\.$task.$id == parentID).all(\.$tag).compactMap(DomainTag.init(rawValue:))
            let draft = TaskDraft(
                number: (numbers.max() ?? 0) + 1, title: "\(parent.title)(\(p.region))", target: parent.target,
                measures: "按省级任务要求在\(p.region)组织实施。", kind: parent.kind,
                deadline: parent.deadline.flatMap(LocalDate.init(iso:)), problemIDs: problems,
                assignments: [UnitAssignment(unitID: responsible, role: .responsible),
                              UnitAssignment(unitID: acceptance, role: .acceptance)],
                milestones: milestones, tags: tags, parentTaskID: parentID, progressStatus: parent.progressStatus)
            let child = try await store.createTask(inspectionID: liaoning, draft, state: parent.state, remarks: note,
                                                   basicallyCompleted: parent.basicallyCompleted)
            // The roll-up's counts; its light and status are the parent's own until the first recompute.
            parent.subtasksTotal += 1
            parent.subtasksOpen += 1
            parent.rolledPercent = 0
            try await parent.save(on: db)
            made += 1
            return child
        }
        for number in splitTasks {
            guard let parent = try await TaskRecord.query(on: db).filter(\.$inspection.$id == liaoning)
                .filter(\.$number == number).first() else { throw StartupError("演示任务 \(number) 不存在") }
            let city = try await part(of: parent, panjin)
            _ = try await part(of: parent, huludao)
            _ = try await part(of: city, panshan)
        }
        // 盘锦's first three aspects are the province's common problems (seed 003: “全省共性问题5个”).
        let provincial = try await Problem.query(on: db).filter(\.$inspection.$id == liaoning).sort(\.$number).all()
        let local = try await Problem.query(on: db).filter(\.$inspection.$id == panjinInspection).sort(\.$number).all()
        // Linked as the office would have on the day of 盘锦's feedback (2017-07-31, China time).
        let linkedAt = OfficialReportBuilder.endOfDay(LocalDate(iso: "2017-07-31")!).addingTimeInterval(-3_600)
        for (mine, earlier) in zip(local.prefix(3), provincial.prefix(3)) {
            try await ProblemLink(problemID: try mine.requireID(), earlierID: try earlier.requireID(), kind: .same,
                                  note: "演示数据:全省共性问题在盘锦的体现;种子报告未列出对应关系。", by: nil, at: linkedAt).create(on: db)
        }
        return made
    }
}
