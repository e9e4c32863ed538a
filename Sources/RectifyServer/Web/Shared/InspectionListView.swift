import Plot
import RectifyCore

/// The view model of the inspection list: plain values, no database records.
struct InspectionListPage {
    struct Row {
        let id: Int
        let title: String
        let level: InspectionLevel
        let round: Int?
        let kind: InspectionKind
        let team: String
        let regionCode: Int
        let regionName: String
        let stationedFrom: LocalDate?
        let stationedUntil: LocalDate?
        let feedbackDate: LocalDate?
        let tasksTotal: Int
        /// nil key: tasks not yet assessed.
        let countsByStatus: [PublicStatus?: Int]
    }

    let rows: [Row]
}

struct InspectionListView: PageView {
    let page: InspectionListPage
    let context: PageContext
    let canEdit: Bool

    var title: String { "督察整改" }

    var content: Node<HTML.BodyContext> {
        .div(
            .div(.class("titlebar"), .h1("督察与整改任务"),
                 .if(canEdit, .div(.class("tools"), .a(.class("button"), .href(SiteURL.inspectionNew.path), .words("新建督察")),
                                   .a(.class("button"), .href(SiteURL.reportImport.path), .words("从公开报告导入"))))),
            .if(page.rows.isEmpty, .p(.class("empty"), .words("您的范围内还没有督察记录。"))),
            .if(!page.rows.isEmpty, .div(.class("scroll"), .table(
                .class("ledger"),
                .thead(.tr(
                    .th("督察"), .th("督察组"), .th("被督察地区"), .th("进驻时间"), .th("反馈日期"),
                    .th(.class("num"), .words("整改任务")),
                    .forEach(PublicStatus.allCases) { .th(.class("num"), .words($0.label)) },
                    .th(.class("num"), .words("未评估")),
                    .th("")
                )),
                .tbody(.forEach(page.rows) { row in
                    .tr(
                        .td(.a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(row.id))]))), .strong(.words(row.title))),
                            .div(.class("sub"), .words(subtitle(row)))),
                        .td(.words(row.team)),
                        .td(.words(row.regionName)),
                        .td(.words(stay(row))),
                        .td(.words(row.feedbackDate?.chinese ?? "—")),
                        .td(.class("num"), .words(String(row.tasksTotal))),
                        .forEach(PublicStatus.allCases) { status in
                            .td(.class("num"), .words(count(row.countsByStatus[status])))
                        },
                        .td(.class("num"), .words(count(row.countsByStatus[nil]))),
                        .td(.class("links"),
                            .a(.href(SiteURL.report(row.id).path), .words("整改报告")),
                            .a(.href(SiteURL.inspectionChain(row.id).path), .words("验收流程")),
                            .a(.href(SiteURL.inspectionPlans(row.id).path), .words("整改方案")),
                            .if(canEdit, .group(.a(.href(SiteURL.taskNew(row.id).path), .words("新增任务")),
                                                .a(.href(SiteURL.ledgerImport(row.id).path), .words("导入台账")))))
                    )
                })
            )))
        )
    }

    func stay(_ row: InspectionListPage.Row) -> String {
        switch (row.stationedFrom, row.stationedUntil) {
        case let (from?, until?): "\(from.chinese)至\(until.chinese)"
        case let (from?, nil): "\(from.chinese)起"
        default: "—"
        }
    }

    func subtitle(_ row: InspectionListPage.Row) -> String {
        let round = row.round.flatMap(ChineseNumeral.string).map { "第\($0)轮" }
        return [row.level.label, round, row.kind.label].compactMap { $0 }.joined(separator: " · ")
    }

    func count(_ n: Int?) -> String { n.map(String.init) ?? "" }
}
