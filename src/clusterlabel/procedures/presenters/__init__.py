"""What the procedure pages show, built from the models, the domain's results and the policy's
answers, without a request: ``detail`` (the procedure page, with who sees the board's votes and
which audit entries), ``assessment`` (panel, scoring, report, the board's and the authority's
result), ``self_assessment`` (the questionnaire). Views parse, ask the policy, call a service,
hand a presenter the user and the language, and render what it returns."""
