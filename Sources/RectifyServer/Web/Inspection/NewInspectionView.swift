import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

struct NewInspectionView: PageView {
    let context: PageContext
    let state: FormState?
    let defaultRegion: Int
    var title: String { "新建督察" }

    var content: Node<HTML.BodyContext> {
        let s = state
        return .div(
            .h1("新建督察"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.inspectionNew.path),
                  Forms.csrf(context),
                  Forms.message(s, "inspection"),
                  Forms.field("督察名称", "title", value: s?.value("title") ?? "", required: true, error: s?.error("title"), form: "i"),
                  Forms.select("级别", "level", options: InspectionLevel.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("level") ?? "central", form: "i"),
                  Forms.field("轮次", "round", type: .number, value: s?.value("round") ?? "", error: s?.error("round"), form: "i"),
                  Forms.select("类型", "kind", options: InspectionKind.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("kind") ?? "routine", form: "i"),
                  Forms.field("督察组", "team", value: s?.value("team") ?? "", required: true, error: s?.error("team"), form: "i"),
                  Forms.field("被督察地区代码", "targetRegionCode", type: .number, value: s?.value("targetRegionCode") ?? String(defaultRegion),
                              required: true, error: s?.error("targetRegionCode"), form: "i"),
                  Forms.field("进驻开始", "stationedFrom", type: .date, value: s?.value("stationedFrom") ?? "", error: s?.error("stationedFrom"), form: "i"),
                  Forms.field("进驻结束", "stationedUntil", type: .date, value: s?.value("stationedUntil") ?? "", error: s?.error("stationedUntil"), form: "i"),
                  Forms.field("反馈日期", "feedbackDate", type: .date, value: s?.value("feedbackDate") ?? "", error: s?.error("feedbackDate"), form: "i"),
                  Forms.field("整改方案批准日期", "planApprovedDate", type: .date, value: s?.value("planApprovedDate") ?? "",
                              error: s?.error("planApprovedDate"), form: "i"),
                  Forms.submit("建立督察"))
        )
    }
}
