import Testing

@testable import VoxDocuments
@testable import VoxTwins

@Suite struct HTMLTextTests {
    @Test func page() throws {
        let page = HTMLText.extract(try Fixtures.text("page.html"))
        #expect(page.title == "Voxface & Twins — Notes")
        #expect(
            page.text == """
                Digital twins

                Tom's notes: 3 < 5 && 5 > 3.
                Second line! 😀

                First item
                Second bold item

                line one
                line two

                a b
                c d

                AT&T and R&D stay; unknown &bogus; too.
                """
        )
    }

    @Test func brokenMarkup() {
        #expect(HTMLText.extract("a < b and c<3 <p>x").text == "a < b and c<3\n\nx")
        // As in browsers, '<' before a letter opens a tag.
        #expect(HTMLText.extract("c<d <p>x").text == "cx")
        #expect(HTMLText.extract("before<p class=\"unterminated").text == "before")
        #expect(HTMLText.extract("before<!-- never closed <p>text").text == "before")
        #expect(HTMLText.extract("<script>never closed <p>text").text == "")
        #expect(HTMLText.extract("<div title='a>b'>inside</div>after").text == "inside\nafter")
        #expect(HTMLText.extract("<SCRIPT type=x>hidden</SCRIPT >shown").text == "shown")
        #expect(HTMLText.extract("x</ p>y</>z").text == "x</ p>y</>z")
        #expect(HTMLText.extract("<b>bold<i>nested</b>unclosed").text == "boldnestedunclosed")
        #expect(HTMLText.extract("<title>Only title").title == "Only title")
        #expect(HTMLText.extract("").title == nil)
    }

    @Test func entities() {
        let text = HTMLText.extract(
            "&amp;&lt;&gt;&quot;&apos;&#39;&#x27;&#X41;&#0;&#1114112;&#99999999999999999999;&amp &copy;&hellip;&#;&#x;&"
        ).text
        #expect(text == "&<>\"'''A\u{FFFD}\u{FFFD}\u{FFFD}& ©…&#;&#x;&")
        #expect(HTMLText.extract("soft&shy;hyphen non&nbsp;&nbsp;breaking").text == "softhyphen non breaking")
    }

    @Test func everyLatinOneLetterAndGreekByName() {
        // Portuguese, French and German names as CMSs write them; HTML 4's Greek and symbols.
        let names = HTMLText.extract("In&ecirc;s Jo&atilde;o Gon&ccedil;alves Lu&iacute;s &Aacute;lvaro").text
        #expect(names == "Inês João Gonçalves Luís Álvaro")
        #expect(HTMLText.extract("S&otilde;es ma&icirc;tre na&iuml;ve &Oslash;re &AElig;&thorn;").text == "Sões maître naïve Øre Æþ")
        #expect(HTMLText.extract("&alpha;&Omega; &forall;x &isin; &real;, &lceil;x&rceil; &spades;").text == "αΩ ∀x ∈ ℜ, ⌈x⌉ ♠")
        #expect(HTMLText.entities.count == 253)
        // Unknown names stay as written; without ';' only the legacy four decode.
        #expect(HTMLText.extract("&ecircle; &ecirc &bogus;").text == "&ecircle; &ecirc &bogus;")
    }

    @Test func headWithoutBody() {
        #expect(HTMLText.extract("<head><title>T</title><meta x=1>junk in head</head><p>Body").text == "Body")
        #expect(HTMLText.extract("<head><title>T</title><p>Implicit body").text == "Implicit body")
    }

    @Test func largeInputIsLinear() {
        // Many bare '<', unterminated references and unclosed comments markers must not be quadratic.
        let hostile = String(repeating: "<a<<</&#&amp<!-x", count: 50_000) + String(repeating: "<p>para", count: 50_000)
        let result = HTMLText.extract(hostile)
        #expect(result.text.hasSuffix("para"))
    }
}
