import Fluent
import Foundation
import Vapor
import RectifyCore

/// Loads the demo through the same `Store` every other write uses, so the demo is
/// held to the same rules as real data, all in one transaction.
enum DemoLoader {
    struct Summary {
        var units = 0
        var users = 0
        var inspections = 0
        var problems = 0
        var tasks = 0
    }

    static func seedText() throws -> DemoSeedText {
        guard let url = Bundle.module.url(forResource: "demo-seed-text", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "demo-seed-text", withExtension: "json") else {
            throw StartupError("找不到演示数据文件 demo-seed-text.json:安装包不完整,请重新构建。")
        }
        return try JSONDecoder().decode(DemoSeedText.self, from: Data(contentsOf: url))
    }

    static func inspections() throws -> [DemoInspection] {
        let seed = try seedText()
        return [DemoLiaoning.inspection(seed), DemoShanxi.inspection(seed), DemoCities.huludao(),
                DemoCities.wuhai(), DemoCities.jiaozuo(), DemoCities.panjin()]
    }

    /// True when nothing a user would have entered is there yet.
    static func databaseIsEmpty(_ db: any Database) async throws -> Bool {
        async let users = User.query(on: db).count()
        async let units = Unit.query(on: db).count()
        async let inspections = Inspection.query(on: db).count()
        return try await users + units + inspections == 0
    }

    @discardableResult
    /// `today`: the day the ongoing demo rectification (`DemoLive`) is placed around.
    static func load(on db: any Database, today: LocalDate = .today(),
                     hash: @escaping @Sendable (String) throws -> String) async throws -> Summary {
        let catalog = try inspections()
        return try await db.writeTransaction { tx in
            let store = Store(db: tx)
            var summary = Summary()
            var unitIDs: [String: Int] = [:]
            var inspectionIDs: [String: Int] = [:]
            for u in DemoCatalog.units {
                let unit = try await store.createUnit(UnitDraft(name: u.name, kind: u.kind, regionCode: u.region))
                unitIDs[u.name] = try unit.requireID()
                summary.units += 1
            }
            for u in DemoCatalog.users {
                _ = try await store.createUser(displayName: u.displayName, login: u.login, password: u.password,
                                               unitID: u.unit.map { unitIDs[$0]! }, roles: u.roles, hash: hash)
                summary.users += 1
            }
            for spec in catalog {
                let inspection = try await store.createInspection(spec.draft)
                let inspectionID = try inspection.requireID()
                inspectionIDs[spec.draft.title] = inspectionID
                summary.inspections += 1
                var problemIDs: [Int: Int] = [:]
                for p in spec.problems {
                    problemIDs[p.number] = try await store.createProblem(inspectionID: inspectionID, p).requireID()
                    summary.problems += 1
                }
                for t in spec.tasks {
                    func ids(_ names: [String]) -> [Int] {
                        names.map { name in
                            guard let id = unitIDs[name] else { preconditionFailure("demo unit \(name) is not in DemoCatalog") }
                            return id
                        }
                    }
                    var assignments: [UnitAssignment] = []
                    for (names, role) in [(t.responsible, UnitRole.responsible), (t.cooperating, .cooperating),
                                          (t.supervising, .supervising), (t.acceptance, .acceptance)] {
                        assignments += ids(names).map { UnitAssignment(unitID: $0, role: role) }
                    }
                    let draft = TaskDraft(
                        number: t.number, title: t.title, target: t.target, measures: t.measures, kind: t.kind,
                        deadline: t.deadline, leadOfficial: t.leadOfficial,
                        problemIDs: t.problems.compactMap { problemIDs[$0] }, assignments: assignments,
                        milestones: t.milestones, tags: t.tags, typical: t.typical, progressStatus: t.status)
                    _ = try await store.createTask(inspectionID: inspectionID, draft, state: t.state, remarks: t.remarks,
                                                   basicallyCompleted: t.status == .basicallyCompleted)
                    summary.tasks += 1
                }
            }
            try await DemoIndicators.load(on: tx, today: today, inspections: inspectionIDs, units: unitIDs)
            summary.tasks += try await DemoLevels.load(on: tx, inspections: inspectionIDs, units: unitIDs)
            try await DemoLive.load(on: tx, today: today, units: unitIDs)
            try await DemoPetitions.load(on: tx, inspections: inspectionIDs, units: unitIDs)
            summary.inspections += 1
            summary.problems += DemoLive.problems.count
            summary.tasks += DemoLive.plans.count + DemoLive.parts
            summary.users += DemoLive.liaisons.count
            return summary
        }
    }
}
