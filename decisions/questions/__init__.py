"""Question sets: what a practitioner is asked, in what order, what it means in law, and why.

- ``base``: the shape of a set and ``evaluate``, the one function that says where answers lead.
- ``law``: lawful bases, conditions and powers, and the rules that keep a record coherent.
- ``fields`` and ``pages``: the GOV.UK question pages the current sets share.
- ``guidance``: the golden rules, myths and per-page guidance, with sources.
- one module per set (``england_2024``, ``partnership_2018``, the retired ``partnership_2018_v1``)
  and ``registry``, which knows them all by the key stored with each decision.
"""
