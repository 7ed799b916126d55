"""The alliance's commercial model (Figure 3.4): load it, simulate pain and gain, check it, chart it."""
