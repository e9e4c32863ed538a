import Fluent
import Foundation
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// 目标指标 and 整改方案 (issue 15) through the real app: who sets targets and enters
/// values, what bad input is refused without a trace, imports with a preview, the page,
/// the portal and the report agreeing on the same figures.
final class IndicatorTests: XCTestCase {
    func pm25(_ app: Application) async throws -> Int {
        try await Indicator.query(on: app.db).filter(\.$code == "pm25").first()!.id!
    }

    func target(_ f: Fixture, _ id: Int, region: Int = 210000, published: Bool = false, as login: String = "office",
                expect status: HTTPStatus = .ok) async throws -> Fixture.Reply {
        try await f.expect(status, .PUT, "/api/v1/indicators/\(id)/targets", as: login,
                           #"{"regionCode":\#(region),"inspectionID":\#(f.inspectionID),"baselineYear":2016,"baselineValue":46,"targetYear":2020,"targetValue":42,"unitID":\#(f.units["responsible"]!),"taskIDs":[\#(f.taskID)],"published":\#(published)}"#)
    }

    func testTheOfficeSetsATargetItsUnitEntersValuesAndEveryViewAgrees() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await pm25(app)
            let t = try await target(f, id)
            XCTAssertEqual(t.json["version"] as? Int, 1)
            // Only the office over the region sets targets.
            for login in ["responsible", "leader", "foreignOffice", "stranger"] { _ = try await target(f, id, as: login, expect: .forbidden) }
            _ = try await f.expect(.created, .POST, "/api/v1/indicators/\(id)/values", as: "responsible",
                                   #"{"regionCode":210000,"period":"2016","value":46}"#)
            let v = try await f.expect(.created, .POST, "/api/v1/indicators/\(id)/values", as: "responsible",
                                       #"{"regionCode":210000,"period":"2017","value":44,"unit":"μg/m³"}"#)
            XCTAssertEqual(v.json["light"] as? String, "green")
            XCTAssertEqual(v.json["yearOnYear"] as? String, "同比下降4.3%")
            XCTAssertEqual(v.json["expected"] as? Double, 45)
            let month = try await f.expect(.created, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                           #"{"regionCode":210000,"period":"2018-01","value":47.5}"#)
            XCTAssertEqual(month.json["light"] as? String, "red")
            // Another unit, a foreign office, a future period, a wrong unit, an impossible value: refused, nothing changes.
            let before = try await f.fingerprint()
            _ = try await f.expect(.notFound, .POST, "/api/v1/indicators/\(id)/values", as: "stranger", #"{"regionCode":210000,"period":"2017","value":1}"#)
            _ = try await f.expect(.notFound, .POST, "/api/v1/indicators/\(id)/values", as: "foreignOffice",
                                   #"{"regionCode":210000,"period":"2017","value":1}"#)
            let future = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                            #"{"regionCode":210000,"period":"2018-05","value":40}"#)
            XCTAssertEqual(future.code, "validationFailed")
            XCTAssertTrue(future.body.contains("indicator.periodFuture"), future.body)
            let wholeYear = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                               #"{"regionCode":210000,"period":"2018","value":40}"#)
            XCTAssertTrue(wholeYear.body.contains("全年值要到年度结束后"), "a year's value waits for the year's end: \(wholeYear.body)")
            let unit = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                          #"{"regionCode":210000,"period":"2017","value":0.044,"unit":"毫克/立方米"}"#)
            XCTAssertTrue(unit.body.contains("indicator.wrongUnit"), unit.body)
            let range = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                           #"{"regionCode":210000,"period":"2017","value":1e300}"#)
            XCTAssertTrue(range.body.contains("indicator.valueOutOfRange"), range.body)
            _ = try await f.expect(.badRequest, .POST, "/api/v1/indicators/\(id)/values", as: "office", #"{"regionCode":210000,"period":"2017","value":"四十"}"#)
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)

            // The catalogue: the office, the leader and the reporting unit see the target; others do not until it is published.
            for login in ["office", "leader", "responsible", "admin"] {
                let list = try await f.expect(.ok, .GET, "/api/v1/indicators?region=210000", as: login)
                let pm = (list.json["items"] as? [[String: Any]])?.first { $0["code"] as? String == "pm25" }
                let targets = pm?["targets"] as? [[String: Any]]
                XCTAssertEqual(targets?.count, 1, login)
                XCTAssertEqual((targets?.first?["latest"] as? [String: Any])?["period"] as? String, "2018-01", login)
            }
            for login in ["stranger", "foreignOffice", "cityOffice"] {
                let values = try await f.expect(.ok, .GET, "/api/v1/indicators/\(id)/values", as: login)
                XCTAssertEqual(values.json["total"] as? Int, 0, login)
            }
            _ = try await target(f, id, published: true)
            let published = try await f.expect(.ok, .GET, "/api/v1/indicators/\(id)/values", as: "stranger")
            XCTAssertEqual(published.json["total"] as? Int, 3)
            _ = try await f.expect(.unauthorized, .GET, "/api/v1/indicators", as: "anonymous")

            // The page, the portal and the report print the same figure and words.
            let page = try await f.expect(.ok, .GET, "/indicators?region=210000", as: "office")
            XCTAssertTrue(page.body.contains("PM2.5年均浓度"))
            XCTAssertTrue(page.body.contains("<svg class=\"chart\""))
            XCTAssertTrue(page.body.contains("2018年1月 47.5"), "the latest value in the summary")
            let portal = try await f.expect(.ok, .GET, "/public/inspections/\(f.inspectionID)/indicators", as: "anonymous")
            XCTAssertTrue(portal.body.contains("2018年1月,辽宁省PM2.5年均浓度为47.5微克/立方米,未达到年度目标(44.0微克/立方米)"), portal.body)
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text", as: "office")
            XCTAssertTrue(report.body.contains("主要目标指标完成情况:2018年1月,辽宁省PM2.5年均浓度为47.5微克/立方米"), report.body)
            let past = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text&date=2018-01-15", as: "office")
            XCTAssertTrue(past.body.contains("2017年,辽宁省PM2.5年均浓度为44.0微克/立方米,同比下降4.3%,已完成年度目标(45.0微克/立方米)"), past.body)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["indicator.target", "indicator.value"]).count()
            XCTAssertEqual(events, 5)
        }
    }

    func testImportShowsEachBadRowAndWritesNothingUntilEveryRowIsRight() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await pm25(app)
            _ = try await target(f, id)
            _ = try await f.expect(.created, .POST, "/api/v1/indicators/\(id)/values", as: "office", #"{"regionCode":210000,"period":"2017","value":44}"#)
            let bad = """
                指标,地区,期间,数值,单位
                PM2.5年均浓度,辽宁省,2017,43,微克/立方米
                PM2.5年均浓度,辽宁省,2017-06,0.05,毫克/立方米
                PM2.5年均浓度,辽宁省,2017-07,良好,
                PM2.5年均浓度,辽宁省,2017-07,41,
                PM2.5年均浓度,辽宁省,2017-07,40,
                优良天数比率,辽宁省,2017,75.8,%
                """
            let before = try await f.fingerprint()
            let preview = try await f.expect(.ok, .POST, "/api/v1/indicators/import/preview", as: "office", bad)
            let rows = preview.json["rows"] as? [[String: Any]] ?? []
            XCTAssertEqual(rows.map { $0["action"] as? String }, ["update", "error", "error", "error", "error", "error"])
            XCTAssertTrue(String(describing: rows[1]["problems"]).contains("单位"), "\(rows[1])")
            XCTAssertTrue(String(describing: rows[2]["problems"]).contains("不是数字"), "\(rows[2])")
            XCTAssertTrue(String(describing: rows[3]["problems"]).contains("同一期间"), "a month twice: \(rows[3])")
            XCTAssertTrue(String(describing: rows[4]["problems"]).contains("同一期间"), "\(rows[4])")
            XCTAssertTrue(String(describing: rows[5]["problems"]).contains("还没有设置"), "\(rows[5])")
            let refused = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators/import", as: "office", bad)
            XCTAssertEqual(refused.code, "indicatorImport.rowsInvalid")
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
            _ = try await f.expect(.forbidden, .POST, "/api/v1/indicators/import/preview", as: "leader", bad)
            let good = "地区,指标,年份,月份,数值\n辽宁省,PM2.5年均浓度,2017,,43\n辽宁省,PM2.5年均浓度,2017,6月,45.5\n"
            let stranger = try await f.expect(.ok, .POST, "/api/v1/indicators/import/preview", as: "stranger", good)
            XCTAssertEqual(stranger.json["errors"] as? Int, 2, "another unit may not report this target")
            let done = try await f.expect(.ok, .POST, "/api/v1/indicators/import", as: "responsible", good)
            XCTAssertEqual(done.json["update"] as? Int, 1)
            XCTAssertEqual(done.json["create"] as? Int, 1)
            let again = try await f.expect(.ok, .POST, "/api/v1/indicators/import/preview", as: "responsible", good)
            XCTAssertEqual(again.json["same"] as? Int, 2, "the same file twice changes nothing")
            // The export reads back through the import.
            let export = try await f.expect(.ok, .GET, "/api/v1/indicators/export?format=csv&region=210000", as: "office")
            XCTAssertTrue(export.body.contains("PM2.5年均浓度,辽宁省,210000,2017-06,45.5,微克/立方米"), export.body)
            let roundTrip = try await f.expect(.ok, .POST, "/api/v1/indicators/import/preview", as: "office", export.body)
            XCTAssertEqual(roundTrip.json["same"] as? Int, 2, roundTrip.body)
        }
    }

    func testTheRankingOrdersTheRegionsBelowByDirection() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await pm25(app)
            for (region, value) in [(211100, 38.0), (211400, 35.0), (210100, 41.5), (210200, 35.0)] {
                _ = try await target(f, id, region: region)
                _ = try await f.expect(.created, .POST, "/api/v1/indicators/\(id)/values", as: "office",
                                       #"{"regionCode":\#(region),"period":"2017","value":\#(value)}"#)
            }
            _ = try await target(f, id, region: 210300)
            let r = try await f.expect(.ok, .GET, "/api/v1/indicators/\(id)/ranking?region=210000", as: "office")
            let ranks = r.json["ranks"] as? [[String: Any]] ?? []
            XCTAssertEqual(ranks.map { $0["regionCode"] as? Int }, [210200, 211400, 211100, 210100, 210300])
            XCTAssertEqual(ranks.map { $0["rank"] as? Int }, [1, 1, 3, 4, nil])
            XCTAssertEqual(r.json["period"] as? String, "2017")
            let page = try await f.expect(.ok, .GET, "/indicators?region=210000&indicator=\(id)", as: "leader")
            XCTAssertTrue(page.body.contains("排名(2017年,越低越好)"), page.body)
        }
    }

    func testAPlanVersionKeepsItsBaselineAndTheChangesSinceShowAgainstIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let body = #"{"title":"辽宁省贯彻落实中央环境保护督察反馈意见整改方案","documentNumber":"辽委办发〔2017〕88号","approvedBy":"辽宁省委、省政府","approvedOn":"2017-10-20"}"#
            _ = try await f.expect(.forbidden, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "leader", body)
            _ = try await f.expect(.notFound, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "foreignOffice", body)
            let bad = try await f.expect(.unprocessableEntity, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "office",
                                         #"{"title":" ","documentNumber":"x","approvedBy":"x","approvedOn":"2030-01-01"}"#)
            XCTAssertTrue(bad.body.contains("plan.titleInvalid") && bad.body.contains("plan.approvedInFuture"), bad.body)
            let plan = try await f.expect(.created, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "office", body)
            XCTAssertEqual(plan.json["version"] as? Int, 1)
            XCTAssertEqual(plan.json["tasks"] as? Int, 1)
            XCTAssertEqual((plan.json["changes"] as? [Any])?.count, 0)
            // Afterwards: the deadline moves, a task is added (举一反三).
            let task = try await f.task
            task.deadline = "2019-12-31"
            try await task.save(on: app.db)
            _ = try await Store(db: app.db).createTask(inspectionID: f.inspectionID, TaskDraft(
                number: 2, title: "举一反三排查同类问题", target: "排查", measures: "排查", kind: .timeLimited, deadline: LocalDate(iso: "2018-12-31"),
                assignments: [.init(unitID: f.units["responsible"]!, role: .responsible)]), state: .inProgress)
            // A task added after approval is not the plan's to withdraw.
            let added = try await TaskRecord.query(on: app.db).filter(\.$number == 2).filter(\.$inspection.$id == f.inspectionID).first()!.id!
            let notInPlan = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(added)/withdrawal", as: "office",
                                               #"{"kind":"cancelled","documentNumber":"x","approvedOn":"2018-02-01","reason":"x"}"#)
            XCTAssertTrue(notInPlan.body.contains("plan.notInPlan"), notInPlan.body)
            let list = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/plans", as: "leader")
            let versions = (try? JSONSerialization.jsonObject(with: Data(list.body.utf8))) as? [[String: Any]] ?? []
            let changes = versions.first?["changes"] as? [[String: Any]] ?? []
            XCTAssertEqual(changes.map { $0["kind"] as? String }, ["deadlineChanged", "added"], list.body)
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text", as: "office")
            XCTAssertTrue(report.body.contains("《整改方案》1项整改任务中,已有1项按照序时进度有序推进;举一反三新增1项整改任务"), report.body)
            XCTAssertTrue(report.body.contains("举一反三新增1项整改任务"), report.body)
            // A re-approval is a new version with its own baseline; an earlier date is refused.
            _ = try await f.expect(.unprocessableEntity, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "office",
                                   #"{"title":"调整","documentNumber":"y","approvedBy":"y","approvedOn":"2017-01-01"}"#)
            let second = try await f.expect(.created, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "office",
                                            #"{"title":"调整后的整改方案","documentNumber":"辽委办发〔2018〕5号","approvedBy":"辽宁省委、省政府","approvedOn":"2018-02-01"}"#)
            XCTAssertEqual(second.json["version"] as? Int, 2)
            XCTAssertEqual(second.json["tasks"] as? Int, 2)
            // The document: a PDF is kept with the version; anything else is refused.
            var upload = Fixture.Reply(status: .internalServerError, body: "")
            let cookie = try await f.cookie("office")
            try await app.test(.POST, "/api/v1/plans/\(second.id)/document?name=%E6%96%B9%E6%A1%88.pdf", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.contentType = .binary
                req.body = ByteBuffer(string: "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
            }, afterResponse: { res async in upload = Fixture.Reply(status: res.status, body: res.body.string) })
            XCTAssertEqual(upload.status, .ok, upload.body)
            XCTAssertEqual(upload.json["documentName"] as? String, "方案.pdf")
            let page = try await f.expect(.ok, .GET, "/inspections/\(f.inspectionID)/plans", as: "leader")
            XCTAssertTrue(page.body.contains("第 2 版") && page.body.contains("下载方案文件:方案.pdf"), page.body)
            _ = try await f.expect(.notFound, .GET, "/api/v1/plans/\(second.id)/document", as: "responsible")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "plan.approve").count()
            XCTAssertEqual(events, 3)
        }
    }

    func testAWithdrawalLeavesTheTaskButTheReportCountsThePlanWithoutIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let second = try await Store(db: app.db).createTask(inspectionID: f.inspectionID, TaskDraft(
                number: 2, title: "同类问题一并整改", target: "整改", measures: "整改", kind: .timeLimited, deadline: LocalDate(iso: "2018-12-31"),
                assignments: [.init(unitID: f.units["responsible"]!, role: .responsible)]), state: .inProgress).id!
            let body = #"{"kind":"merged","mergedIntoTaskID":\#(f.taskID),"documentNumber":"辽整改办〔2018〕3号","approvedOn":"2018-02-15","reason":"与第1项同一问题,合并办理"}"#
            let none = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "office", body)
            XCTAssertEqual(none.code, "plan.none")
            _ = try await f.expect(.created, .POST, "/api/v1/inspections/\(f.inspectionID)/plans", as: "office",
                                   #"{"title":"整改方案","documentNumber":"辽委办发〔2017〕88号","approvedBy":"省委、省政府","approvedOn":"2017-10-20"}"#)
            _ = try await f.expect(.forbidden, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "leader", body)
            _ = try await f.expect(.forbidden, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "responsible", body)
            _ = try await f.expect(.notFound, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "foreignOffice", body)
            let itself = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/withdrawal", as: "office", body)
            XCTAssertTrue(itself.body.contains("plan.mergeIntoItself"), itself.body)
            let before = try await f.fingerprint()
            _ = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "office",
                                   #"{"kind":"merged","documentNumber":" ","approvedOn":"2030-01-01","reason":""}"#)
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
            let done = try await f.expect(.created, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "office", body)
            let changes = done.json["changes"] as? [[String: Any]] ?? []
            XCTAssertEqual(changes.map { $0["kind"] as? String }, ["withdrawn"], done.body)
            XCTAssertEqual(changes.first?["after"] as? String, "2018年2月15日经辽整改办〔2018〕3号批准核减(合并入第1项):与第1项同一问题,合并办理")
            _ = try await f.expect(.conflict, .POST, "/api/v1/tasks/\(second)/withdrawal", as: "office", body)
            // The task stays in the ledger; its page says it was withdrawn; the report counts the plan without it.
            let page = try await f.expect(.ok, .GET, "/tasks/\(second)", as: "responsible")
            XCTAssertTrue(page.body.contains("已从整改方案中核减:"), page.body)
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text", as: "office")
            XCTAssertTrue(report.body.contains("《整改方案》2项整改任务经批准核减1项,其余1项中,已有1项按照序时进度有序推进。"), report.body)
            let earlier = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text&date=2018-02-10", as: "office")
            XCTAssertTrue(earlier.body.contains("《整改方案》2项整改任务") && !earlier.body.contains("核减"),
                          "before its approval the withdrawal does not count: \(earlier.body)")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "plan.withdraw").filter(\.$taskID == second).count()
            XCTAssertEqual(events, 1)
        }
    }

    func testTheOfficeAddsAnIndicatorToTheCatalogueOnce() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let body = #"{"name":"城市生活污水集中收集率","unit":"%","direction":"higher","area":"water","decimals":1}"#
            _ = try await f.expect(.forbidden, .POST, "/api/v1/indicators", as: "responsible", body)
            _ = try await f.expect(.forbidden, .POST, "/api/v1/indicators", as: "leader", body)
            let created = try await f.expect(.created, .POST, "/api/v1/indicators", as: "office", body)
            XCTAssertEqual(created.json["code"] as? String, "custom\(created.id)")
            XCTAssertEqual(created.json["upperBound"] as? Double, 100)
            let again = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators", as: "cityOffice", body)
            XCTAssertTrue(again.body.contains("indicator.nameTaken"), again.body)
            let bad = try await f.expect(.unprocessableEntity, .POST, "/api/v1/indicators", as: "office",
                                         #"{"name":"","unit":"","direction":"lower","area":"air","decimals":9,"lowerBound":5,"upperBound":1}"#)
            for code in ["indicator.nameInvalid", "indicator.unitInvalid", "indicator.decimalsInvalid", "indicator.rangeInvalid"] {
                XCTAssertTrue(bad.body.contains(code), "\(code): \(bad.body)")
            }
            // On the page, through its form, as the office would.
            let page = try await f.expect(.ok, .GET, "/indicators", as: "office")
            XCTAssertTrue(page.body.contains("城市生活污水集中收集率"), "the new indicator is offered for targets")
            let total = try await Indicator.query(on: app.db).count()
            XCTAssertEqual(total, IndicatorCatalog.national.count + 1)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "indicator.create").count()
            XCTAssertEqual(events, 1)
        }
    }
}
