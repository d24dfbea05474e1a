"""What the label pages show, built from the models, the registry's queries and the
credential checker's results, without a request: ``registry`` (the public registry's page),
``statistics`` (the label statistics and the answer to a question), ``verification`` (a label's
verification page and the check of a pasted credential), ``manage`` (suspending, reinstating
and revoking a label, with its history). Views parse, ask the policy, call a service or
selector, hand a presenter what it needs and render what it returns."""
