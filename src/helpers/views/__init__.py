"""What each report shows (v01 … v05, numbered like the notebooks): French-labelled tables, figure data and
headline sentences, computed from a step's Run."""
