// wx.* mocks for page tests: filled in with the mini program.
