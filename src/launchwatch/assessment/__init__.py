"""From tracks to the statements a spokesman makes: launch events, where they fell, who must
be warned, and how they compare with the launch record."""
