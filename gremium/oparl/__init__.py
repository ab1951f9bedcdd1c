"""The OParl 1.1 API of gremium's public data, mounted at /oparl/v1/ (namespace "oparl").

serializers.py: which objects are public and how each is rendered; views.py: the read-only JSON
endpoints with keyset pagination; urls.py: the routes.
"""
