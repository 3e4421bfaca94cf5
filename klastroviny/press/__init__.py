"""press: what goes to the print shop — the CMYK PDF/X print master, the imposed booklet
proof, preflight, the hand-off package. PDF in, PDF out.

May import: anything before it; nothing imports press but build, cli and itself."""
