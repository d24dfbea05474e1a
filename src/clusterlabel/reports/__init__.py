"""The structured assessment report (findings per category, the comparison with the previous
assessment, the organisation's PDF) and the organisation's feedback on the procedure."""
