"""Pure customer-value metrics: numpy and scipy only, no Django, no database.

Modules:

- ``rfm`` and ``segment_map``: RFM quintile scores and the editable 11-segment map with its three
  value groups (高价值 / 潜力 / 沉睡).
- ``abc_analysis``: ABC by cumulative share; product ABC (走量 / 获利 / 潜力).
- ``value_score``: the weighted five-dimension value score and the grade suggestion.
- ``bgnbd``: the BG/NBD purchase model (Fader, Hardie & Lee 2005).
- ``gamma_gamma``: the Gamma-Gamma spend model.
- ``clv``: customer lifetime value from both models.
- ``purchase_cycle``: inter-order intervals and the next-purchase window.

Every function takes and returns plain numbers or numpy arrays, so callers can feed it from SQL
aggregates in chunks and tests can run it without a database.
"""
