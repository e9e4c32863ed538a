import RectifyCore

/// Markup written straight into a string, for the long repeated parts of a page (the rows
/// of a table). Plot renders every element through closures over generic nodes: on the
/// ledger's 50 rows that was most of the page's time. Tag and attribute names are the
/// code's own (`StaticString`); every attribute value and every text goes through
/// `HTMLText.escape`, as in the rest of the page. Placed in a Plot tree with `.raw(html)`.
struct HTMLWriter {
    private(set) var html = ""

    init(capacity: Int = 1024) { html.reserveCapacity(capacity) }

    mutating func open(_ tag: StaticString, class cls: String? = nil, href: String? = nil) {
        html += "<\(tag)"
        if let cls { html += " class=\"\(HTMLText.escape(cls))\"" }
        if let href { html += " href=\"\(HTMLText.escape(href))\"" }
        html += ">"
    }

    mutating func close(_ tag: StaticString) { html += "</\(tag)>" }

    mutating func text(_ s: String) { html += HTMLText.escape(s) }

    /// An element holding only text.
    mutating func element(_ tag: StaticString, class cls: String? = nil, href: String? = nil, text s: String) {
        open(tag, class: cls, href: href)
        text(s)
        close(tag)
    }

    /// A red / yellow / green dot with its word (`WarningLight`'s raw value), "—" for none.
    mutating func light(_ raw: String?) {
        guard let light = raw.flatMap(WarningLight.init(rawValue:)) else { return element("span", class: "light none", text: "—") }
        element("span", class: "light \(light.rawValue)", text: light.label)
    }
}
