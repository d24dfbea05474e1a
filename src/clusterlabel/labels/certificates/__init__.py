"""What proves a label outside the site: the printable certificate (PDF), the embeddable
badge (SVG) and the signed Open Badges credential with its status lists."""
