import Testing

@testable import VoxTwins

@Suite struct MarkdownTextTests {
    @Test func plain() {
        let md = """
            # Title #
            Some **bold**, _italic_ and `code` with a [link](https://example.org) and ![alt text](x.png).
            > quoted snake_case
            ```swift
            let x = *y*
            ```
            ####### not a heading
            """
        #expect(
            MarkdownText.plain(md) == """
                Title
                Some bold, italic and code with a link and alt text.
                quoted snake_case
                let x = *y*
                ####### not a heading
                """
        )
    }
}
