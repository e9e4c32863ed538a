import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The demo is built from the seed reports; its figures must come back out of the
/// database exactly as the reports state them.
final class DemoTests: XCTestCase {
    func inspection(_ title: String, _ app: Application) async throws -> Inspection {
        let found = try await Inspection.query(on: app.db).filter(\.$title == title).first()
        return try XCTUnwrap(found, "demo inspection \(title)")
    }

    func counts(_ title: String, _ app: Application) async throws -> [PublicStatus?: Int] {
        let i = try await inspection(title, app)
        return try await InspectionQueries.taskCounts(inspectionIDs: [i.id!], on: app.db)[i.id!] ?? [:]
    }

    func testLiaoningReproducesTheReportedCounts() async throws {
        try await withApp(demo: true) { app in
            let i = try await inspection("第一轮中央环境保护督察(辽宁省)", app)
            XCTAssertEqual(i.team, "中央第三环境保护督察组")
            XCTAssertEqual([i.stationedFrom, i.stationedUntil, i.feedbackDate], ["2017-04-25", "2017-05-25", "2017-07-31"])
            let c = try await counts(i.title, app)
            // 《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度
            XCTAssertEqual(c.values.reduce(0, +), 58)
            XCTAssertEqual(c[.basicallyCompleted], 13)
            XCTAssertEqual(c[.onSchedule], 38)
            XCTAssertEqual(c[.fullyImplemented], 2)
            XCTAssertEqual(c[.behindSchedule], 5)
            let typical = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == i.id!).filter(\.$typical == true).count()
            XCTAssertEqual(typical, 18, "18项典型问题由省级党政领导干部挂帅推动")
            let first = try await Problem.query(on: app.db).filter(\.$inspection.$id == i.id!).filter(\.$number == 1).first()
            XCTAssertTrue(first?.text.hasPrefix("思想认识不到位。") ?? false)
        }
    }

    /// Seeds 002–004 state petition and accountability figures; the demo's records
    /// reproduce them, and the report states them in the seeds' words.
    func testPetitionAndAccountabilityFiguresOfTheSeedsAreBackedByRecords() async throws {
        try await withApp(demo: true) { app in
            for (title, total, concluded, batches, key) in [("第一轮中央环境保护督察(辽宁省)", 6_991, 6_591, 30, 0),
                                                           ("第一轮中央环境保护督察(盘锦市)", 91, 83, 30, 21),
                                                           ("河南省委生态环境保护督察(焦作市)", 228, 228, 20, 0)] {
                let i = try await inspection(title, app)
                let f = try await PetitionService.figures(inspectionID: i.id!, on: app.db)
                XCTAssertEqual(f?.total, total, title)
                XCTAssertEqual(f?.concluded, concluded, title)
                let b = try await PetitionBatch.query(on: app.db).filter(\.$inspection.$id == i.id!).count()
                XCTAssertEqual(b, batches, title)
                let keyCases = try await PetitionCase.query(on: app.db).join(PetitionBatch.self, on: \PetitionCase.$batch.$id == \PetitionBatch.$id)
                    .filter(PetitionBatch.self, \.$inspection.$id == i.id!).filter(\.$keyCase == true).count()
                XCTAssertEqual(keyCases, key, title)
                // Every case has its handling unit.
                let unassigned = try await PetitionCase.query(on: app.db).join(PetitionBatch.self, on: \PetitionCase.$batch.$id == \PetitionBatch.$id)
                    .filter(PetitionBatch.self, \.$inspection.$id == i.id!).all().map(\.id!)
                let linked = try await PetitionCaseUnit.query(on: app.db).filter(\.$petitionCase.$id ~~ unassigned).count()
                XCTAssertEqual(linked, total, title)
            }
            let liaoning = try await inspection("第一轮中央环境保护督察(辽宁省)", app)
            let admin = try await Access.load(try await User.query(on: app.db).filter(\.$login == "office").first()!, on: app.db)
            let report = try await OfficialReportBuilder.build(inspectionID: liaoning.id!, roundID: nil, access: admin,
                                                               today: app.clock.today, on: app.db)
            XCTAssertEqual(report.petitions?.sentence, "督察组交办的6991件群众信访举报件,已办结6591件。")
            XCTAssertEqual(report.petitions?.closureRate, 94, "办结率94%")
            let counts = try await AccountabilityAPI.counts(inspectionID: liaoning.id!, on: app.db)
            XCTAssertEqual(counts.cases, 14, "移交的14个责任追究问题线索")
            XCTAssertEqual(counts.people, 143)
            // 盘锦: of its 91 cases, after 12 repeat visits and 18 unfounded, 61 to rectify: 53 done, 8 going on;
            // all handled in time; 三条沟 is the long-term work of its task 1.
            let panjin = try await inspection("第一轮中央环境保护督察(盘锦市)", app)
            let cases = try await PetitionCase.query(on: app.db).join(PetitionBatch.self, on: \PetitionCase.$batch.$id == \PetitionBatch.$id)
                .filter(PetitionBatch.self, \.$inspection.$id == panjin.id!).sort(\.$id).all()
            let unfounded = cases.filter { $0.finding == .unfounded }
            var seen: Set<String> = []
            let repeats = cases.filter { c in !seen.insert(c.placeKey).inserted }
            XCTAssertEqual(unfounded.count, 18)
            XCTAssertEqual(repeats.count, 12)
            let toRectify = cases.filter { c in c.finding != .unfounded && !repeats.contains { $0.id == c.id } }
            XCTAssertEqual(toRectify.count, 61, "应完成整改61项")
            XCTAssertEqual(toRectify.filter { $0.status == .concluded }.count, 53, "实际完成53项")
            XCTAssertEqual(toRectify.filter { $0.status == .concludedStage }.count, 8, "还有8项正在整改中")
            XCTAssertEqual(cases.filter { ($0.concludedOn ?? $0.stageConcludedOn ?? "9999") > $0.dueDate }.count, 0, "案件按时限办结率100%")
            let task1 = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == panjin.id!).filter(\.$number == 1).first()
            XCTAssertEqual(cases.filter { $0.$task.id == task1?.id }.map(\.place), ["辽东湾新区三条沟"])
        }
    }

    func testShanxiProblemsThirtySevenToSixtyKeepTheirPublishedStatuses() async throws {
        try await withApp(demo: true) { app in
            let i = try await inspection("第一轮中央环境保护督察(山西省)", app)
            XCTAssertNil(i.stationedFrom, "the report gives no dates; none are invented")
            let numbers = try await Problem.query(on: app.db).filter(\.$inspection.$id == i.id!).sort(\.$number).all(\.$number)
            XCTAssertEqual(numbers, Array(37...60))
            let tasks = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == i.id!).all()
            let status = Dictionary(uniqueKeysWithValues: tasks.map { ($0.number, $0.progressStatus) })
            XCTAssertEqual(status[37], .inProgress)   // 整改进展情况:正在推进整改。
            XCTAssertEqual(status[38], .completed)    // 整改进展情况:已完成整改。
            XCTAssertEqual(status[44], .completed)
            XCTAssertEqual(status[60], .inProgress)
            XCTAssertEqual(tasks.filter { $0.progressStatus == .completed }.count, 11)
            XCTAssertEqual(tasks.filter { $0.progressStatus == .inProgress }.count, 13)
            XCTAssertTrue(tasks.allSatisfy { ($0.progressStatus == .completed) == ($0.state == .closed) })
            let t40 = try XCTUnwrap(tasks.first { $0.number == 40 })
            XCTAssertEqual(t40.deadline, "2020-12-31", "预计能按照整改方案要求在2020年完成整改")
            XCTAssertTrue(t40.measures.contains("太原市城区段入汾河排污口"))
        }
    }

    func testCityInspectionsCarryTheirDatesAndFigures() async throws {
        try await withApp(demo: true) { app in
            let jiaozuo = try await counts("河南省委生态环境保护督察(焦作市)", app)
            XCTAssertEqual(jiaozuo.values.reduce(0, +), 46)   // 46项整改任务中完成34项,其他12正在推进
            XCTAssertEqual(jiaozuo[.completed], 34)
            XCTAssertEqual(jiaozuo[.inProgress], 12)
            // 盘锦's 61 items are petition cases (see the petition test); its one task is 辽东湾三条沟.
            let panjin = try await counts("第一轮中央环境保护督察(盘锦市)", app)
            XCTAssertEqual(panjin.values.reduce(0, +), 1)
            XCTAssertEqual(panjin[.inProgress], 1)
            let wuhai = try await inspection("第二轮自治区生态环境保护督察(乌海市)", app)
            XCTAssertEqual([wuhai.stationedFrom, wuhai.stationedUntil, wuhai.feedbackDate], ["2023-10-31", "2023-11-24", "2024-03-27"])
            XCTAssertEqual(wuhai.level, .provincial)
            let wuhaiTargets = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == wuhai.id!).all(\.$target)
            XCTAssertTrue(wuhaiTargets.contains { $0.contains("84.1%") && $0.contains("31微克/立方米") })
            let huludao = try await inspection("第二轮中央生态环境保护督察(葫芦岛市)", app)
            XCTAssertEqual([huludao.stationedFrom, huludao.stationedUntil, huludao.feedbackDate], ["2021-04-06", "2021-05-06", "2021-07-20"])
            XCTAssertEqual(huludao.$targetRegion.id, 211400)
        }
    }

    /// Tasks whose seed gives only counts have texts written from the report's narrative
    /// (issue 12 §5), no placeholder titles, and remarks that say where the texts come from.
    func testTasksTheSeedsOnlyCountHaveWrittenTextsThatSayWhereTheyComeFrom() async throws {
        try await withApp(demo: true) { app in
            let placeholders = try await TaskRecord.query(on: app.db).filter(\.$title ~~ "演示占位").count()
            XCTAssertEqual(placeholders, 0)
            let written = try await TaskRecord.query(on: app.db).filter(\.$remarks ~~ DemoNote.writtenFromReport).all()
            XCTAssertEqual(written.count, 55 + 46)
            XCTAssertTrue(written.allSatisfy { !$0.target.contains("占位") && !$0.measures.contains("占位") && !$0.title.isEmpty })
            for (region, n) in [(DemoTaskTexts.liaoning, 55), (DemoTaskTexts.jiaozuo, 46)] {
                XCTAssertEqual(Set(region.values.map(\.title)).count, n, "titles are distinct within a region")
            }
        }
    }

    func testThereIsOneDemoUserPerRoleAndTheirPasswordsWork() async throws {
        try await withApp(demo: true) { app in
            let all = try await User.query(on: app.db).all()
            // The living demo's liaisons only act in its history: no password signs them in.
            let liaisons = all.filter { $0.login.hasPrefix("demo-liaison-") }
            XCTAssertEqual(liaisons.count, DemoLive.liaisons.count)
            for l in liaisons { XCTAssertFalse((try? app.password.verify("", created: l.passwordHash)) ?? false) }
            let users = all.filter { !$0.login.hasPrefix("demo-liaison-") }
            XCTAssertEqual(Set(users.flatMap(\.roles)), Set(Role.allCases))
            // One per role, and the offices of the levels below (issue 14): 盘锦, 葫芦岛, 盘山县.
            XCTAssertEqual(users.count, Role.allCases.count + 3)
            for (login, region) in [("panjin", 211100), ("huludao", 211400), ("panshan", 211122)] {
                let user = try XCTUnwrap(users.first { $0.login == login })
                let unit = try await Unit.find(user.$unit.id, on: app.db)
                XCTAssertEqual(unit?.$region.id, region, login)
                XCTAssertEqual(user.roles, [.office], login)
            }
            for spec in DemoCatalog.users {
                let user = try XCTUnwrap(users.first { $0.login == spec.login })
                XCTAssertTrue(try app.password.verify(spec.password, created: user.passwordHash))
            }
        }
    }
}
