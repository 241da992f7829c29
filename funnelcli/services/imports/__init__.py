"""``funnel import``: the use case (:mod:`.job`), its options (:mod:`.options`), the merge of
each kind of row into the database (:mod:`.leads`, :mod:`.followups`, :mod:`.activities`, on the
shared loop of :mod:`.merge`) and the ``--rejects`` file (:mod:`.rejects`)."""
