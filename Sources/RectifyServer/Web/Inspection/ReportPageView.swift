import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

struct ReportPageView: PageView {
    let context: PageContext
    let inspectionID: Int
    let report: OfficialReport
    let date: LocalDate?
    let round: Int?
    let page: Int
    let pages: Int
    let problemsTotal: Int
    var title: String { "整改落实情况报告" }

    /// A report of a few hundred problems is shown whole, to print; a larger one (an
    /// inspection of tens of thousands of tasks) a hundred problems a page, with the
    /// whole document as Word or text.
    static let wholeUpTo = 300
    static let perPage = 100

    /// The report holds just this page's problems when paged.
    var shown: [OfficialReport.ProblemSection] { report.problems }

    func link(_ page: Int) -> String {
        SiteURL.report(inspectionID).with([("date", date?.iso), ("round", round.map(String.init)), ("page", String(page))])
    }

    var content: Node<HTML.BodyContext> {
        let query: [(String, String?)] = [("date", date?.iso), ("round", round.map(String.init))]
        let api = SiteURL.reportDownload(inspectionID).path
        func download(_ format: String) -> String {
            api + "?format=\(format)" + query.compactMap { k, v in v.map { "&\(k)=\($0)" } }.joined()
        }
        return .div(
            .div(.class("titlebar noprint"),
                 .form(.class("filters"), .method(.get), .action(SiteURL.report(inspectionID).path),
                       .unwrap(round) { .input(.type(.hidden), .name("round"), .value(HTMLText.escape(String($0)))) },
                       Forms.field("截至日期(留空为今天)", "date", type: .date, value: date?.iso ?? ""),
                       Forms.submit("生成")),
                 .div(.class("tools"),
                      .a(.class("button"), .href(HTMLText.escape(download("docx"))), .words("下载 Word")),
                      .a(.class("button"), .href(HTMLText.escape(download("text"))), .words("纯文本")),
                      .button(.class("button"), .attribute(named: "data-print", value: "1"), .words("打印")))),
            .article(.class("official"),
                     .h1(.words("关于\(report.title)整改落实情况的报告")),
                     .p(.words(report.opening)),
                     .forEach(shown) { p in
                         .div(.h2(.words("\(ChineseNumeral.string(p.number) ?? String(p.number))、\(p.text)")),
                              .p(.class("status"), .words("整改进展情况:\(p.statusWords)。")),
                              .forEach(p.narratives) { .p(.words($0)) })
                     }),
            .if(pages > 1, .nav(.class("pager noprint"),
                .p(.class("sub"), .words("本报告共 \(problemsTotal) 个反馈问题,每页显示 \(Self.perPage) 个;完整报告请下载 Word 或纯文本。")),
                .if(page > 1, .a(.href(HTMLText.escape(link(page - 1))), .words("上一页"))),
                .span(.words("第 \(min(page, pages)) / \(pages) 页")),
                .if(page < pages, .a(.href(HTMLText.escape(link(page + 1))), .words("下一页")))))
        )
    }
}
