"""Check PDFs the way a reader sees them: render pages to images with PDFium."""


def pdf_pages(content: bytes):
    import pypdfium2

    return pypdfium2.PdfDocument(content)


def pdf_page_image(content: bytes, index: int = 0, scale: float = 1.5):
    """Page `index` as a PIL image."""
    document = pdf_pages(content)
    return document[index].render(scale=scale).to_pil()


def pdf_text(content: bytes) -> str:
    """The text PDFium extracts from every page (shaped Persian comes back as characters)."""
    document = pdf_pages(content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def ink_ratio(image) -> float:
    """Share of non-white pixels: a blank or missing-font page is ~0."""
    grey = image.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:200])
    return dark / (grey.width * grey.height)
