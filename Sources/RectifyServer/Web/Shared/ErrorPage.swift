import Plot

/// What a browser sees when something goes wrong: the message, never internals.
struct ErrorPage: PageView {
    let status: Int
    let message: String
    let code: String
    let context: PageContext

    var title: String { "出错了" }

    var content: Node<HTML.BodyContext> {
        .div(
            .class("error-page"),
            .h1(.raw(HTMLText.escape("\(status)"))),
            .p(.raw(HTMLText.escape(message))),
            .p(.class("sub"), .raw(HTMLText.escape("错误代码:\(code)"))),
            .p(.a(.href(SiteURL.home.path), .text("返回首页")), .text(" · "), .a(.href(SiteURL.publicHome.path), .text("信息公开")))
        )
    }
}
